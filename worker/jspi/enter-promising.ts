/**
 * `callPromising` (Python entered so that it can wait for promises in place, JSPI) without the
 * macrotask Pyodide waits before entering. Pyodide waits so that a call made from inside Python
 * starts only after that Python has returned; the worker calls this only from its own tasks, with
 * no Python on the stack. On a plain page every run is entered this way (so that it can yield for
 * stops), and so is every awaited code-mode call's answer: the wait cost each one trip through the
 * worker's event loop.
 */
import type { PyodideInterface } from 'pyodide';
import type { PyCallable } from 'pyodide/ffi';

type Schedule = (callback: () => void, ms?: number) => void;

export function enterPromising<T>(pyodide: PyodideInterface, fn: Pick<PyCallable, 'callPromising'>, ...args: unknown[]): Promise<T> {
  // Pyodide's internal API (no public switch for this); without it, the ordinary call.
  const api = (pyodide as unknown as { _api?: { scheduleCallback?: Schedule } })._api;
  const schedule = api?.scheduleCallback;
  if (!api || typeof schedule !== 'function') return fn.callPromising(...args) as Promise<T>;
  // Read once, synchronously, as callPromising starts: only this call sees the shortcut.
  api.scheduleCallback = (callback, ms = 0) => (ms === 0 ? callback() : schedule(callback, ms));
  try {
    return fn.callPromising(...args) as Promise<T>;
  } finally {
    api.scheduleCallback = schedule;
  }
}
