/**
 * True in Node (the host's process or a worker thread); false in a browser page or worker, even
 * one that defines a `process` global (a bundler's shim). One check for the host and the worker.
 */
export const isNode =
  typeof process !== 'undefined' &&
  !!process.versions?.node &&
  typeof (globalThis as { window?: unknown }).window === 'undefined' &&
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';
