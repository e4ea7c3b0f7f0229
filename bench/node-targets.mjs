/** The two targets in Node: the built sandbox (dist/) and raw Pyodide from node_modules. */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { PythonSandbox } from '../dist/index.js';
import { RawPyodide } from './raw-pyodide.mjs';
import { sandboxTarget } from './suite.mjs';

const pyodideModule = createRequire(import.meta.url).resolve('pyodide/pyodide.mjs');

export const NODE_TARGETS = {
  sandbox: async () => sandboxTarget(await PythonSandbox.create()),
  raw: () => RawPyodide.start({ workerUrl: new URL('./raw-worker.mjs', import.meta.url), pyodideUrl: pathToFileURL(pyodideModule).href }),
};
