/**
 * The measurements, written once for every target and runtime (Node and the browser page both
 * import this file). A target is anything with the sandbox's shape:
 *   run(code, { timeoutMs? }) → { ok, result?, stateLost }, interrupt(), dispose(), interruptible
 * so `PythonSandbox` (via `sandboxTarget`) and `RawPyodide` are measured by the same code.
 * Every measurement checks its run did what was meant, so an error path is never timed by mistake.
 */
import { ASSIGN, CPU_PRIMES, ENDLESS_LOOP, PRINT_100K, STUBBORN_SLEEP } from './programs.mjs';

export const DEFAULT_COUNTS = { roundTrips: 1000, interrupts: 10, restarts: 3, prints: 3, cpu: 3 };
const RESTART_DEADLINE_MS = 200;

/** Adapts a `PythonSandbox` to the target shape. */
export function sandboxTarget(sandbox) {
  return {
    get interruptible() {
      return sandbox.interruptible;
    },
    async run(code, options) {
      const r = await sandbox.run(code, options);
      return { ok: r.outcome === 'OUTCOME_OK', result: r.result, error: r.error?.name, stateLost: r.stateLost };
    },
    interrupt: () => sandbox.interrupt(),
    dispose: () => sandbox.dispose(),
  };
}

/** Milliseconds from calling `create` until it resolves; the target is disposed. */
export async function timeToReady(create) {
  const start = performance.now();
  const target = await create();
  const ms = performance.now() - start;
  await target.dispose();
  return ms;
}

/** Every warm measurement on one freshly created target. The forced restart goes last: it replaces the interpreter. */
export async function measureWarm(create, counts = DEFAULT_COUNTS, log = () => {}) {
  const target = await create();
  try {
    log('round trips');
    const roundTrip = await roundTrips(target, counts.roundTrips);
    log('interrupts');
    const interruptMs = await interruptLatencies(target, counts.interrupts);
    log('prints');
    const printMs = await repeat(counts.prints, () => wallTime(target, PRINT_100K));
    log('cpu');
    const cpuSeconds = await repeat(counts.cpu, () => cpuTime(target));
    log('restarts');
    const restartMs = await repeat(counts.restarts, () => restartAfterTerminate(target));
    return {
      roundTripMedianMs: median(roundTrip),
      roundTripP99Ms: percentile(roundTrip, 99),
      interruptMs: median(interruptMs),
      restartMs: median(restartMs),
      print100kMs: median(printMs),
      cpuSeconds: median(cpuSeconds),
      samples: { interruptMs, restartMs, printMs, cpuSeconds },
    };
  } finally {
    await target.dispose();
  }
}

async function roundTrips(target, count) {
  await repeat(20, () => expectOk(target, ASSIGN)); // warm-up
  return repeat(count, () => wallTime(target, ASSIGN));
}

/** From `interrupt()` until the run resolves, with the interpreter kept. */
async function interruptLatencies(target, count) {
  if (!target.interruptible) throw new Error('interrupt latency needs an interruptible target (SharedArrayBuffer)');
  return repeat(count, async () => {
    const run = target.run(ENDLESS_LOOP);
    await sleep(100); // let the loop get going
    const start = performance.now();
    target.interrupt();
    const r = await run;
    const ms = performance.now() - start;
    if (r.ok || r.stateLost) throw new Error(`interrupt did not raise KeyboardInterrupt in place: ${JSON.stringify(r)}`);
    return ms;
  });
}

/** From the missed deadline until `1+1` has run in the replacement interpreter. */
async function restartAfterTerminate(target) {
  const start = performance.now();
  const lost = await target.run(STUBBORN_SLEEP, { timeoutMs: RESTART_DEADLINE_MS });
  if (!lost.stateLost) throw new Error(`expected the worker to be replaced: ${JSON.stringify(lost)}`);
  const r = await expectOk(target, '1+1');
  if (r.result !== '2') throw new Error(`1+1 gave ${r.result}`);
  return performance.now() - start - RESTART_DEADLINE_MS;
}

async function cpuTime(target) {
  const r = await expectOk(target, CPU_PRIMES);
  return Number.parseFloat(r.result);
}

async function wallTime(target, code) {
  const start = performance.now();
  await expectOk(target, code);
  return performance.now() - start;
}

async function expectOk(target, code) {
  const r = await target.run(code);
  if (!r.ok) throw new Error(`run failed (${r.error}): ${code.slice(0, 60)}`);
  return r;
}

/** Runs `fn` `count` times in sequence; returns the values. */
export async function repeat(count, fn) {
  const values = [];
  for (let i = 0; i < count; i++) values.push(await fn());
  return values;
}

export function median(values) {
  return percentile(values, 50);
}

/** Nearest-rank percentile. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
