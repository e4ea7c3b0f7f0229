/**
 * A server process watched from outside while a test attacks it: its resident memory, sampled from
 * Linux's /proc, and how long another client waits for answers (a pause of the server's event loop
 * shows there, as no timer inside it could report while it is paused).
 */
import { readFileSync } from 'node:fs';

/** VmRSS of process `pid`, in bytes. */
export function rssBytes(pid: number): number {
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

/** Samples `pid`'s resident memory every `everyMs` until `stop()`, which gives the highest sample. */
export function watchRss(pid: number, everyMs = 20): { stop(): number } {
  return watchPeak(() => rssBytes(pid), everyMs);
}

/** Calls `read` every `everyMs` until `stop()`, which gives the highest value read (a read that throws, e.g. of a process gone, is skipped). */
export function watchPeak(read: () => number, everyMs = 20): { stop(): number } {
  let peak = read();
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, read());
    } catch {
      // The process exited: the samples so far stand.
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

/** Calls `probe` back to back until `stop()`, which resolves with the longest call, in milliseconds. */
export function watchLatency(probe: () => Promise<unknown>): { stop(): Promise<number> } {
  let longest = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      await probe();
      longest = Math.max(longest, performance.now() - started);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return longest;
    },
  };
}
