/**
 * Which build of the library this is, set by each Vite build (vite.config.ts, vitest.config.ts):
 * 'browser' builds never take Node's paths, so bundlers never see a `node:` import in them;
 * 'node' and 'any' builds (the worker script serves both) decide at run time.
 */
declare const __SANDBOX_BUILD_TARGET__: 'browser' | 'node' | 'any';

/**
 * True in Node (the host's process or a worker thread); false in a browser page or worker, even
 * one that defines a `process` global (a bundler's shim). One check for the host and the worker.
 */
export const isNode =
  __SANDBOX_BUILD_TARGET__ !== 'browser' &&
  typeof process !== 'undefined' &&
  !!process.versions?.node &&
  typeof (globalThis as { window?: unknown }).window === 'undefined' &&
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';
