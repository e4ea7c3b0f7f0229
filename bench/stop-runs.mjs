/**
 * Stops on a page without cross-origin isolation, measured in the page (browser-bench.mjs): the
 * default sandbox, whose runs yield for stops where the engine has JSPI (worker/python/stops.py),
 * paired with the same sandbox whose worker has the yields off (`NO_YIELDS_WORKER`, written by
 * stops.mjs): the page as it was before them, where a stop terminates the worker (after at most
 * 100 ms) and a warm spare takes over, without the variables. What the yields cost: HumanEval
 * and a pure-Python loop of 2 to 3 s (suite.mjs `pairedRounds`). What they buy: the time from
 * `interrupt()` 300–374 ms into `while True: pass` to the run's end, and from a 300 ms deadline
 * on the same loop to the run's end; each also to the end of the next `run('1+1')` (a replaced
 * interpreter is restored first). The two alternate sample by sample; each stop starts on a
 * settled sandbox (a replacement's spare booted).
 */
import { ENDLESS_LOOP, ONE_PLUS_ONE } from './programs.mjs';
import { pairedRounds } from './suite.mjs';

/** The baseline's worker script: the built worker with its yields off (worker/engine.ts `yieldsTurnedOff`). */
export const NO_YIELDS_WORKER = '/dist/worker-without-yields.js';

/**
 * Pure Python, a loop in a function as most code runs: 2 to 3 s in Chromium on the bench machine
 * (0.14 to 0.21 µs an iteration, with its load). Fixed work, not a time: sized to a time when the
 * group started, the load at that moment made it anything from 1.5 to 2.1 s.
 */
export const LOOP_ITERATIONS = 16_000_000;
const LOOP = ['def spin(n):', '    total = 0', '    for i in range(n):', '        total += i & 7', '    return total', `spin(${LOOP_ITERATIONS})`].join('\n');

const LOOP_MS_BEFORE_STOP = 300;
const DEADLINE_MS = 300;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every measurement of the group. `create(options)` makes a sandbox target (suite.mjs shape);
 * `programs`: HumanEval's, or undefined (that row is skipped). Samples are keyed `yields` and `noYields`.
 */
export async function measureStops(create, { programs, counts, log }) {
  // The baseline is the page before the yields: a stop there replaces the worker with a fresh one (no restart point).
  const targets = { yields: () => create(), noYields: () => create({ workerUrl: NO_YIELDS_WORKER, restartPoints: false }) };
  const made = { yields: await targets.yields(), noYields: await targets.noYields() };
  const stops = { interrupt: { yields: [], noYields: [] }, deadline: { yields: [], noYields: [] } };
  try {
    for (let i = 0; i < counts.stops; i++) {
      for (const kind of i % 2 ? ['noYields', 'yields'] : ['yields', 'noYields']) {
        stops.interrupt[kind].push(await timeInterrupt(made[kind], i));
        stops.deadline[kind].push(await timeDeadline(made[kind]));
      }
      const last = (kind) => stops.interrupt[kind].at(-1).toEndMs.toFixed(0);
      log(`stop ${i + 1}/${counts.stops}: interrupt → end ${last('yields')} ms with yields, ${last('noYields')} ms without`);
    }
  } finally {
    await Promise.all([made.yields.dispose(), made.noYields.dispose()]);
  }
  const humanEval = programs && (await pairedRounds(targets, programs, counts.humanEvalRounds, 'HumanEval', log));
  const loop = await pairedRounds(targets, [LOOP], counts.loopRounds, 'loop', log);
  return { humanEval, loop, loopIterations: LOOP_ITERATIONS, stops };
}

/**
 * `interrupt()` into a busy loop: until the run ended, and until the next `1+1` returned. The
 * `sample`th stop comes a little later each time, over one yield period (75 ms, worker/stops/deadline-signal.ts),
 * so the stops do not all fall at the same point between two yields.
 */
async function timeInterrupt(target, sample) {
  await settled(target);
  const run = target.run(ENDLESS_LOOP, { timeoutMs: 60_000 });
  await sleep(LOOP_MS_BEFORE_STOP + ((sample * 37) % 75));
  const stopped = performance.now();
  target.interrupt();
  const r = await run;
  const ended = performance.now();
  if (r.outcome === 'OUTCOME_OK' || r.outcome === 'OUTCOME_DEADLINE_EXCEEDED') throw new Error(`the stopped loop ended ${r.outcome}`);
  await expectTwo(target);
  return { toEndMs: ended - stopped, toNextMs: performance.now() - stopped, stateLost: r.stateLost };
}

/** A busy loop past its deadline: from the deadline (counted from `run`) until the run ended, and until the next `1+1` returned. */
async function timeDeadline(target) {
  await settled(target);
  const started = performance.now();
  const r = await target.run(ENDLESS_LOOP, { timeoutMs: DEADLINE_MS });
  const ended = performance.now();
  if (r.outcome !== 'OUTCOME_DEADLINE_EXCEEDED') throw new Error(`the loop past its deadline ended ${r.outcome}`);
  await expectTwo(target);
  return { toEndMs: ended - started - DEADLINE_MS, toNextMs: performance.now() - started - DEADLINE_MS, stateLost: r.stateLost };
}

async function settled(target) {
  await target.run('pass');
  await target.settle();
}

async function expectTwo(target) {
  const r = await target.run(ONE_PLUS_ONE);
  if (r.result !== '2') throw new Error(`1+1 gave ${JSON.stringify(r)}`);
}
