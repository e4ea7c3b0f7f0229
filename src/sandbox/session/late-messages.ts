/**
 * Messages that travel on their own port (live output, boot progress) can arrive after the reply
 * they belong to. The worker says how many it sent; the reply waits here until that many arrived.
 */
export class LateMessages {
  private seen = 0;
  private waiter: { count: number; resolve(): void } | undefined;

  /** One more message arrived. */
  arrived(): void {
    this.seen++;
    if (this.waiter && this.seen >= this.waiter.count) this.waiter.resolve();
  }

  /** Resolves once `count` messages have arrived, or after `maxWaitMs` (a lost message must not hang the caller). */
  until(count: number, maxWaitMs = 1000): Promise<void> {
    if (this.seen >= count) return Promise.resolve();
    let timer: ReturnType<typeof setTimeout> | undefined;
    return new Promise<void>((resolve) => {
      this.waiter = { count, resolve };
      timer = setTimeout(resolve, maxWaitMs);
    }).finally(() => {
      clearTimeout(timer);
      this.waiter = undefined;
    });
  }
}
