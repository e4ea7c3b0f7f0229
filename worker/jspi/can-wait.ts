/** Whether Python can wait for a JS promise in place in this interpreter (JSPI): worker/python/suspend.py. */
import type { PyodideInterface } from 'pyodide';
import type { PyCallable } from 'pyodide/ffi';

/** Asks once, inside a `callPromising` call: false where the engine or the snapshot cannot switch stacks. */
export function canWait(pyodide: PyodideInterface): Promise<boolean> {
  const probe = pyodide.pyimport('suspend').can_wait as PyCallable;
  return (probe.callPromising(Promise.resolve()) as Promise<boolean>).then(Boolean, () => false).finally(() => probe.destroy());
}
