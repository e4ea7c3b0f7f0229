/**
 * The measurements, written once for every target and runtime (Node and the browser page both
 * import this file). A target is anything with the sandbox's shape:
 *   run(code, { timeoutMs? }) → { ok, result?, error?, stateLost }, interrupt(), dispose(),
 *   interruptible, and optionally settle() (resolves when background work such as booting a
 *   warm spare is done, so it does not compete for the 2 cores while we time something).
 * `PythonSandbox` (via `sandboxTarget`) and `RawPyodide` are measured by the same code.
 * Every measurement checks its run did what was meant, so an error path is never timed by mistake.
 */
import { ASSIGN, CPU_PRIMES, ENDLESS_LOOP, PRINT_100K, STUBBORN_SLEEP } from './programs.mjs';

export const DEFAULT_COUNTS = { snapshotReady: 3, roundTrips: 1000, interrupts: 10, restarts: 3, prints: 3, cpu: 3 };
const RESTART_DEADLINE_MS = 200;
/** Ends an interrupt sample whose interrupt was lost: 100 ms of loop + the sandbox's default 1 s grace. */
const INTERRUPT_SAFETY_DEADLINE_MS = 1100;

/** Adapts a `PythonSandbox` to the target shape. */
export function sandboxTarget(sandbox) {
  return {
    get interruptible() {
      return sandbox.interruptible;
    },
    get bootPath() {
      return sandbox.bootPath;
    },
    async run(code, options) {
      const r = await sandbox.run(code, options);
      // A deadline is reported as TimeoutError even when KeyboardInterrupt stopped the code.
      return { ok: r.outcome === 'OUTCOME_OK', result: r.result, error: r.error?.name, stateLost: r.stateLost, outcome: r.outcome };
    },
    interrupt: () => sandbox.interrupt(),
    // Background work (the warm spare's boot, the snapshot's storage) must not compete with timing.
    settle: () => sandbox.whenIdle(),
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

/** `create()` times once a boot snapshot exists (the first sandbox makes it, via its spare). */
export async function timesToReadyFromSnapshot(create, count) {
  const first = await create();
  await first.settle?.();
  await first.dispose();
  await untilSnapshotStored(create);
  return repeat(count, async () => {
    const start = performance.now();
    const target = await create();
    const ms = performance.now() - start;
    const { bootPath } = target;
    await target.dispose();
    if (bootPath !== 'snapshot') throw new Error(`expected a boot from the snapshot, got "${bootPath}"`);
    return ms;
  });
}

/** The snapshot is saved in the background (Cache Storage in browsers): wait until a boot uses it. */
async function untilSnapshotStored(create, attempts = 10) {
  for (let i = 0; i < attempts; i++) {
    await sleep(500);
    const target = await create();
    const { bootPath } = target;
    await target.dispose();
    if (bootPath === 'snapshot') return;
  }
  throw new Error('no boot used the snapshot: is the snapshot cache off, or is it rejected?');
}

/** Every warm measurement on one freshly created target. The forced restart goes last: it replaces the interpreter. */
export async function measureWarm(create, counts = DEFAULT_COUNTS, log = () => {}) {
  const target = await create();
  await target.settle?.();
  try {
    log('round trips');
    const roundTrip = await roundTrips(target, counts.roundTrips);
    log('interrupts');
    const interrupts = await interruptLatencies(target, counts.interrupts);
    log('prints');
    const printMs = await repeat(counts.prints, () => wallTime(target, PRINT_100K));
    log('cpu');
    const cpuSeconds = await repeat(counts.cpu, () => cpuTime(target));
    log('restarts');
    const restartMs = await repeat(counts.restarts, () => restartAfterTerminate(target));
    return {
      roundTripMedianMs: median(roundTrip),
      roundTripP99Ms: percentile(roundTrip, 99),
      interruptMs: median(interrupts.latencies),
      interruptsLost: interrupts.lost,
      restartMs: median(restartMs),
      print100kMs: median(printMs),
      cpuSeconds: median(cpuSeconds),
      samples: { interruptMs: interrupts.latencies, restartMs, printMs, cpuSeconds },
    };
  } finally {
    await target.dispose();
  }
}

async function roundTrips(target, count) {
  await repeat(20, () => expectOk(target, ASSIGN)); // warm-up
  return repeat(count, () => wallTime(target, ASSIGN));
}

/**
 * From `interrupt()` until the run resolves with the interpreter kept. An interrupt can be lost
 * (Pyodide reads and clears the interrupt buffer non-atomically, so a write between the two is
 * dropped); such a run is ended by its deadline instead and counted in `lost`, not timed.
 */
async function interruptLatencies(target, count) {
  if (!target.interruptible) throw new Error('interrupt latency needs an interruptible target (SharedArrayBuffer)');
  const latencies = [];
  let lost = 0;
  for (let i = 0; i < count; i++) {
    await settled(target); // a lost interrupt replaced the interpreter: let its spare boot
    const run = target.run(ENDLESS_LOOP, { timeoutMs: INTERRUPT_SAFETY_DEADLINE_MS });
    await sleep(100); // let the loop get going
    const start = performance.now();
    target.interrupt();
    const r = await run;
    const ms = performance.now() - start;
    if (r.ok) throw new Error('the endless loop returned normally');
    if (r.stateLost || r.error !== 'KeyboardInterrupt') lost++;
    else latencies.push(ms);
  }
  return { latencies, lost };
}

/** From the missed deadline until `1+1` has run in the replacement interpreter (spare ready beforehand). */
async function restartAfterTerminate(target) {
  await settled(target);
  const start = performance.now();
  const lost = await target.run(STUBBORN_SLEEP, { timeoutMs: RESTART_DEADLINE_MS });
  if (!lost.stateLost) throw new Error(`expected the worker to be replaced: ${JSON.stringify(lost)}`);
  const r = await expectOk(target, '1+1');
  if (r.result !== '2') throw new Error(`1+1 gave ${r.result}`);
  return performance.now() - start - RESTART_DEADLINE_MS;
}

/** The interpreter is up (a run goes through) and background boots are done. */
async function settled(target) {
  await expectOk(target, 'pass');
  await target.settle?.();
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

/** Nearest-rank percentile; `undefined` for no values. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
