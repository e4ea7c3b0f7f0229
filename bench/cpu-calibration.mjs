/**
 * How much a CPU throttle slows a page: a fixed JavaScript loop timed on the page's main thread
 * and in a dedicated worker of it (timed inside the worker, its start left out), unthrottled and
 * throttled, the slowdown being the ratio of the medians. A phone is slow on every thread, so
 * both should read the factor.
 */

/** Iterations of the loop: about 0.5 s unthrottled here, long against a 20 ms throttle period. */
const LOOP_ITERATIONS = 100_000_000;

/** Runs the loop `n` times on `page`'s main thread and `n` times in a worker, alternating (after a warm-up); the medians (ms). */
export async function loopTimes(page, n = 3) {
  return page.evaluate(
    async ([iterations, n]) => {
      const loop = (count) => {
        const t0 = performance.now();
        let x = 0;
        for (let i = 0; i < count; i++) x = (x * 31 + i) | 0;
        return { ms: performance.now() - t0, x };
      };
      const source = `const loop = ${loop.toString()}; onmessage = (e) => postMessage(loop(e.data));`;
      const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
      const inWorker = (count) =>
        new Promise((resolve, reject) => {
          worker.onmessage = (e) => resolve(e.data);
          worker.onerror = (e) => reject(new Error(e.message));
          worker.postMessage(count);
        });
      // Warm both up (the JIT) before timing.
      loop(iterations / 10);
      await inWorker(iterations / 10);
      const main = [];
      const workers = [];
      for (let i = 0; i < n; i++) {
        main.push(loop(iterations).ms);
        workers.push((await inWorker(iterations)).ms);
      }
      worker.terminate();
      const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
      return { mainMs: median(main), workerMs: median(workers) };
    },
    [LOOP_ITERATIONS, n],
  );
}

/** Slowdowns of `throttled` against `unthrottled` (loopTimes results), main thread and worker. */
export function slowdown(unthrottled, throttled) {
  return { main: throttled.mainMs / unthrottled.mainMs, worker: throttled.workerMs / unthrottled.workerMs };
}
