/** A booted interpreter as the engine's parts use it: Pyodide, the cell runner and what the boot set up around them. */
import type { PyodideInterface } from 'pyodide';
import type { PyCallable, PyProxy } from 'pyodide/ffi';
import type { FdOutput } from './fd-output.js';
import type { PackageIndex } from './packages/cell-packages.js';
import type { StateBase } from './snapshots/state-base.js';

/** A Python object proxy with the runner's methods (see worker/python/runner.py). */
export interface RunnerProxy extends PyProxy {
  execute: ((code: string, mayAwait: boolean) => string | (PyProxy & PromiseLike<string>)) & Pick<PyCallable, 'callPromising'>;
  cancel(): boolean;
  reset(): void;
  list_files(): string;
  forget_workdir(): void;
  mark_restored(path: string): void;
  /** The run's output capture; only where its flag for output from below is (see fd-output.ts). */
  capture: PyProxy & { below_address: number };
}

export interface Interpreter {
  pyodide: PyodideInterface;
  runner: RunnerProxy;
  packages: PackageIndex;
  /** Output from below Python's `sys.stdout` (see fd-output.ts). */
  outputBelow: FdOutput;
  /** For messages: the package source the user configured (in isolated mode the worker sees a virtual one). */
  packageBaseUrl: string;
  /** The boot snapshot a save is stored against (state-base.ts); none after a boot without one. */
  base?: StateBase;
}

/** Python's WebAssembly memory as it is now (a new view after each growth). */
export function memoryOf(pyodide: PyodideInterface): Int8Array | undefined {
  return (pyodide as unknown as { _module?: { HEAP8?: Int8Array } })._module?.HEAP8;
}
