/**
 * Browser entry of the bench (loaded by pages/bench.html): the same suite as in Node, against the
 * built sandbox and a raw Pyodide module worker using the same runtime files (/dist/pyodide/).
 * Everything is timed in the page, so page.evaluate's own latency is never measured.
 */
import { PythonSandbox } from '/dist/index.js';
import { RawPyodide } from './raw-pyodide.mjs';
import { measureWarm, sandboxTarget, timeToReady, timesToReadyFromSnapshot } from './suite.mjs';

const pyodideUrl = new URL('/dist/pyodide/pyodide.mjs', location.href).href;

const TARGETS = {
  sandbox: async () => sandboxTarget(await PythonSandbox.create()),
  raw: () => RawPyodide.start({ workerUrl: new URL('./raw-worker.mjs', import.meta.url), pyodideUrl, indexURL: new URL('./', pyodideUrl).href }),
};

window.bench = {
  timeToReady: (kind) => timeToReady(TARGETS[kind]),
  timesToReadyFromSnapshot: (count) => timesToReadyFromSnapshot(TARGETS.sandbox, count),
  measureWarm: (kind, counts) => measureWarm(TARGETS[kind], counts, (step) => console.log(`bench ${kind}: ${step}`)),
};
