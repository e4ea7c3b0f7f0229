/**
 * The host's pauses: a pause is a gap between 5 ms timer ticks, counted as the CPU time this
 * process spent in it (at most the gap): on the shared, loaded test machine other processes delay
 * a tick by 100-300 ms with nothing blocking this thread, and that is not a freeze of the host;
 * work that does not yield spends the whole gap on the CPU. (The CPU time is the whole process's,
 * its thread pool's too, so work off the main thread can only make a gap count more, never less.)
 */

/** The longest the event loop went without running a 5 ms timer while `work` ran (in CPU time, see above), and how `work` ended. */
export async function longestPause(work: () => Promise<unknown>): Promise<{ pauseMs: number; outcome: unknown }> {
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  let last = { wall: performance.now(), cpu: cpuMs() };
  let pauseMs = 0;
  const tick = () => {
    const now = { wall: performance.now(), cpu: cpuMs() };
    pauseMs = Math.max(pauseMs, Math.min(now.wall - last.wall, now.cpu - last.cpu));
    last = now;
  };
  const timer = setInterval(tick, 5);
  try {
    const outcome = await work().then(
      (value) => value,
      (error: unknown) => error,
    );
    tick();
    return { pauseMs, outcome };
  } finally {
    clearInterval(timer);
  }
}
