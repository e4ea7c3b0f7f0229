/**
 * The measurements, written once for every target and runtime (Node and the browser page both
 * import this file). A target is anything with the sandbox's shape:
 *   run(code, { timeoutMs? }) → { ok, result?, error?, stateLost }, interrupt(), dispose(),
 *   interruptible, and optionally settle() (resolves when background work such as booting a
 *   warm spare is done, so it does not compete for the 2 cores while we time something),
 *   bootPath ('snapshot' | 'fresh') and isolation ('frame' | 'worker', browsers).
 * Targets are made by `create(onProgress?)` functions; `onProgress(message)` gets boot progress.
 * `PythonSandbox` (via `sandboxTarget`) and `RawPyodide` are measured by the same code.
 * Every measurement checks its run did what was meant, so an error path is never timed by mistake.
 */
import { ASSIGN, CPU_PRIMES, ENDLESS_LOOP, FATAL_EXIT, IMPORT_TINY, ONE_PLUS_ONE, UNSTOPPABLE } from './programs.mjs';

export const DEFAULT_COUNTS = { roundTrips: 1000, interrupts: 10, restarts: 3, printRounds: 7, cpu: 3 };
const RESTART_DEADLINE_MS = 200;
/** Ends an interrupt sample whose interrupt was lost: 100 ms of loop + the sandbox's default 1 s grace. */
const INTERRUPT_SAFETY_DEADLINE_MS = 1100;

/** Adapts a `PythonSandbox` to the target shape. */
export function sandboxTarget(sandbox) {
  return {
    /** The sandbox replaces an interpreter left unusable (os._exit); raw Pyodide cannot tell. */
    recoversFromFatal: true,
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

/**
 * Boot steps, named by the progress messages that start them (the sandbox's `onProgress`, and
 * raw-worker.mjs's imitation of it). Times are when the host received the message.
 */
const PHASE_MESSAGES = [
  ['loadPyodide', /^(Loading the Python runtime|Restoring Python from a snapshot)/],
  ['runner', /^Starting the sandbox runner/],
  ['ready', /^Python is ready/],
];

/**
 * One visit: `create(onProgress)` until `run('1+1')` has returned, in ms, with when each boot
 * step started (`marks`, ms from the start; `created` = create() resolved). Then background work
 * settles (the spare boots, the snapshot is stored) so the next visit finds it and the cores are free.
 */
export async function visit(create) {
  const marks = {};
  const start = performance.now();
  const target = await create((message) => {
    const phase = PHASE_MESSAGES.find(([, pattern]) => pattern.test(message))?.[0];
    if (phase) marks[phase] ??= performance.now() - start;
  });
  marks.created = performance.now() - start;
  const r = await target.run(ONE_PLUS_ONE);
  const ms = performance.now() - start;
  if (r.result !== '2') throw new Error(`1+1 gave ${JSON.stringify(r)}`);
  const { bootPath = 'fresh', isolation } = target;
  await target.settle?.();
  await target.dispose();
  return { ms, bootPath, isolation, marks };
}

/**
 * `create()`, then the first `import tinypkg` right away (while preloads may still be running),
 * timed from `run` until it returns. The target is settled (snapshot stored) and disposed.
 */
export async function importVisit(create) {
  const target = await create();
  const start = performance.now();
  const r = await target.run(IMPORT_TINY);
  const importMs = performance.now() - start;
  if (r.result !== '42') throw new Error(`import tinypkg failed: ${JSON.stringify(r)}`);
  const { bootPath = 'fresh' } = target;
  await target.settle?.();
  await target.dispose();
  return { importMs, bootPath };
}

/**
 * Runs every program in both targets (made by `create.sandbox` and `create.raw`, one interpreter
 * each; or any keys of `create`, the samples keyed alike), in `rounds` rounds, after an
 * unmeasured warm-up. Each program runs in every target back to back, the order rotating from
 * program to program and round to round (two targets: alternating), so the machine's load
 * drifting (this is a shared machine) weighs on both alike; measured one after the other, even a
 * pure-Python CPU row has read 1.4×. Each sample is one round's total for one target, tagged
 * `{ ms, round }` for roundRatios. Every program must pass in both, or the timing means nothing.
 * `name` labels the log lines and errors.
 */
export async function pairedRounds(create, programs, rounds, name, log = () => {}) {
  const kinds = Object.keys(create);
  const targets = {};
  for (const kind of kinds) targets[kind] = await create[kind]();
  for (const kind of kinds) await targets[kind].settle?.();
  const samples = Object.fromEntries(kinds.map((kind) => [kind, []]));
  try {
    for (const kind of kinds) for (const code of programs.slice(0, 20)) await targets[kind].run(code); // warm-up
    for (let round = 0; round < rounds; round++) {
      const totals = Object.fromEntries(kinds.map((kind) => [kind, 0]));
      for (const [index, code] of programs.entries()) {
        // Each program starts at the next kind (two kinds: forward, then reversed), so no kind runs twice in a row more than another.
        for (const kind of kinds.map((_, k) => kinds[(k + index + round) % kinds.length])) {
          const started = performance.now();
          const r = await targets[kind].run(code);
          totals[kind] += performance.now() - started;
          if (!r.ok) throw new Error(`${name} program ${index} failed in ${kind}: ${r.error}`);
        }
      }
      for (const kind of kinds) samples[kind].push({ ms: totals[kind], round });
      log(`${name} round ${round + 1}: ${kinds.map((kind) => `${kind} ${totals[kind].toFixed(0)} ms`).join(', ')}`);
    }
  } finally {
    await Promise.all(kinds.map((kind) => targets[kind].dispose()));
  }
  return samples;
}

/** Every warm measurement on one freshly created target. Kills and fatal errors go last: they replace the interpreter. */
export async function measureWarm(create, counts = DEFAULT_COUNTS, log = () => {}) {
  const target = await create();
  await target.settle?.();
  try {
    log('round trips');
    const roundTrip = await roundTrips(target, counts.roundTrips);
    log('interrupts');
    const interrupts = await interruptLatencies(target, counts.interrupts);
    log('cpu');
    const cpuSeconds = await repeat(counts.cpu, () => cpuTime(target));
    log('restarts');
    const restarts = await repeat(counts.restarts, () => restartAfterTerminate(target));
    const restartMs = restarts.map((r) => r.fromDeadlineMs);
    const afterKillMs = restarts.map((r) => r.afterResolvedMs);
    let afterFatalMs = [];
    if (target.recoversFromFatal) {
      log('fatal errors');
      afterFatalMs = await repeat(counts.restarts, () => restartAfterFatal(target));
    }
    return {
      roundTripMedianMs: median(roundTrip),
      roundTripP99Ms: percentile(roundTrip, 99),
      interruptMs: median(interrupts.latencies),
      interruptsLost: interrupts.lost,
      restartMs: median(restartMs),
      afterKillMs: median(afterKillMs),
      afterFatalMs: median(afterFatalMs),
      cpuSeconds: median(cpuSeconds),
      samples: { interruptMs: interrupts.latencies, restartMs, afterKillMs, afterFatalMs, cpuSeconds },
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

/**
 * A run that must be terminated (spare ready beforehand), then `1+1`. Two clocks: from the missed
 * deadline (includes the interrupt grace) and from the moment the killed run resolved.
 */
export async function restartAfterTerminate(target) {
  await settled(target);
  const start = performance.now();
  const lost = await target.run(UNSTOPPABLE, { timeoutMs: RESTART_DEADLINE_MS });
  const resolved = performance.now();
  if (!lost.stateLost) throw new Error(`expected the worker to be replaced: ${JSON.stringify(lost)}`);
  await expectTwo(target);
  const done = performance.now();
  return { fromDeadlineMs: done - start - RESTART_DEADLINE_MS, afterResolvedMs: done - resolved };
}

/** A run that leaves the interpreter unusable (spare ready beforehand): from its result until `1+1` has run. */
export async function restartAfterFatal(target) {
  await settled(target);
  const lost = await target.run(FATAL_EXIT);
  const resolved = performance.now();
  if (!lost.stateLost) throw new Error(`expected the interpreter to be replaced: ${JSON.stringify(lost)}`);
  await expectTwo(target);
  return performance.now() - resolved;
}

async function expectTwo(target) {
  const r = await expectOk(target, ONE_PLUS_ONE);
  if (r.result !== '2') throw new Error(`1+1 gave ${r.result}`);
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

/** The middle value (the mean of the two middle ones for an even count); `undefined` for no values. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(middle)] : sorted.length ? (sorted[middle - 1] + sorted[middle]) / 2 : undefined;
}

/** Nearest-rank percentile; `undefined` for no values. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
