/** "15 minutes", "1.5 minutes", or under a minute "20 seconds". */
export function formatMinutes(ms: number): string {
  if (ms < 60_000) {
    const seconds = Math.max(1, Math.round(ms / 1000));
    return `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
  }
  const minutes = Math.round(ms / 6000) / 10;
  return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}
