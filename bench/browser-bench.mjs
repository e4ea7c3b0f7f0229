/**
 * Browser entry of the bench (loaded by pages/bench.html): the same suite as in Node, against the
 * built sandbox and a raw Pyodide module worker using the same runtime files (/dist/pyodide/).
 * Everything is timed in the page, so page.evaluate's own latency is never measured.
 */
import { PythonSandbox } from '/dist/sandbox.js';
import { RawPyodide } from './raw-pyodide.mjs';
import { PRINT_100K } from './programs.mjs';
import { measureCodeCalls } from './code-calls.mjs';
import { measureStops } from './stop-runs.mjs';
import { importVisit, measureWarm, pairedRounds, repeat, restartAfterFatal, restartAfterTerminate, sandboxTarget, visit } from './suite.mjs';

const pyodideUrl = new URL('/dist/pyodide/pyodide.mjs', location.href).href;

/** `PythonSandbox.create(options)` as a target; `isolation` says what create() really made (a sandboxed iframe or not). */
async function createSandbox(options = {}, onProgress = undefined) {
  const frames = () => document.querySelectorAll('iframe[sandbox]').length;
  const before = frames();
  const sandbox = await PythonSandbox.create({ ...options, onProgress: onProgress && ((p) => onProgress(p.message)) });
  return Object.assign(sandboxTarget(sandbox), { isolation: frames() > before ? 'frame' : 'worker' });
}

const TARGETS = {
  sandbox: (onProgress, options) => createSandbox(options, onProgress),
  raw: (onProgress) =>
    RawPyodide.start({ workerUrl: new URL('./raw-worker.mjs', import.meta.url), pyodideUrl, indexURL: new URL('./', pyodideUrl).href, onProgress }),
};

window.bench = {
  measureWarm: (kind, counts) => measureWarm(TARGETS[kind], counts, (step) => console.log(`bench ${kind}: ${step}`)),
  /** One visit of this page: create (sandbox with `options`, or raw) until `run('1+1')` returned. */
  visit: (kind, options) => visit((onProgress) => TARGETS[kind](onProgress, options)),
  /** `print` 100,000 lines in the default sandbox and raw Pyodide, in pairs (see suite.mjs). */
  pairedPrints: (rounds) =>
    pairedRounds({ sandbox: () => TARGETS.sandbox(), raw: () => TARGETS.raw() }, [PRINT_100K], rounds, 'print', (line) => console.log(`bench ${line}`)),
  /** `create(options)`, then the first `import tinypkg`. */
  importVisit: (options) => importVisit(() => createSandbox(options)),
  /** `programs` in the sandbox (default options, or `options`) and raw Pyodide, in pairs (see suite.mjs), `rounds` rounds. */
  pairedRuns: (programs, rounds, name, options) =>
    pairedRounds({ sandbox: () => TARGETS.sandbox(undefined, options), raw: () => TARGETS.raw() }, programs, rounds, name, (line) =>
      console.log(`bench ${line}`),
    ),
  /** `programs` in one sandbox per entry of `variants` (its name → its options) and raw Pyodide, in pairs (see suite.mjs). */
  pairedVariants: (programs, rounds, name, variants) =>
    pairedRounds(
      {
        ...Object.fromEntries(Object.entries(variants).map(([kind, options]) => [kind, () => TARGETS.sandbox(undefined, options ?? undefined)])),
        raw: () => TARGETS.raw(),
      },
      programs,
      rounds,
      name,
      (line) => console.log(`bench ${line}`),
    ),
  /** `count` forced terminates, then `count` fatal errors, in one default sandbox (suite.mjs). */
  async restarts(count) {
    const target = await TARGETS.sandbox();
    try {
      const restarts = await repeat(count, () => restartAfterTerminate(target));
      const afterFatalMs = await repeat(count, () => restartAfterFatal(target));
      return { afterKillMs: restarts.map((r) => r.afterResolvedMs), afterFatalMs, interruptible: target.interruptible };
    } finally {
      await target.dispose();
    }
  },
  /** Makes a target (`kind`, a sandbox with `options`) and keeps it for runHeld (memory measurements); settled before it resolves. */
  async hold(kind, options) {
    held = await TARGETS[kind](undefined, options ?? undefined);
    await held.settle?.();
  },
  /** Runs `programs` in the held target, each once; every one must pass. */
  async runHeld(programs) {
    for (const [index, code] of programs.entries()) {
      const r = await held.run(code);
      if (!r.ok) throw new Error(`program ${index} failed: ${r.error}`);
    }
    await held.settle?.();
  },
  release: () => held?.dispose(),
  /** Stops on a plain page, the default sandbox against the same with its yields off (stop-runs.mjs). */
  stops: (programs, counts) => measureStops(createSandbox, { programs, counts, log: (line) => console.log(`bench stops: ${line}`) }),
  /** Code mode: one call's round trip from Python to a page function (code-calls.mjs), `create(options)`; says what create() made. */
  async codeCalls(options, counts) {
    const before = document.querySelectorAll('iframe[sandbox]').length;
    let frame;
    const created = (options) =>
      PythonSandbox.create(options).then((sandbox) => ((frame = document.querySelectorAll('iframe[sandbox]').length > before), sandbox));
    const measured = await measureCodeCalls({ create: created }, options, counts);
    return { ...measured, isolation: frame ? 'frame' : 'worker' };
  },
};
let held;
