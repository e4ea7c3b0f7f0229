/**
 * The two targets in Node: the built sandbox (from `distDir`, created with `sandboxOptions`) and
 * raw Pyodide from node_modules. Each is a `create(onProgress?)` function (see suite.mjs).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RawPyodide } from './raw-pyodide.mjs';
import { sandboxTarget } from './suite.mjs';

const pyodideModule = createRequire(import.meta.url).resolve('pyodide/pyodide.mjs');

export async function nodeTargets(distDir, sandboxOptions = {}) {
  const { PythonSandbox } = await import(pathToFileURL(join(distDir, 'index.node.js')).href);
  return {
    sandbox: async (onProgress) => sandboxTarget(await PythonSandbox.create({ ...sandboxOptions, onProgress: onProgress && ((p) => onProgress(p.message)) })),
    raw: (onProgress) =>
      RawPyodide.start({ workerUrl: new URL('./raw-worker.mjs', import.meta.url), pyodideUrl: pathToFileURL(pyodideModule).href, onProgress }),
  };
}
