/**
 * A live interpreter saved and restored (the public `saveState` / `restoreState`; the bytes'
 * format: src/shared/memory/saved-state-format.ts, packed here on every host, so they leave the worker
 * compressed, and checked by the host before a restore and here again). The memory is Pyodide's
 * experimental memory snapshot taken after user code ran; the working directory lives in
 * Emscripten's file system, outside that memory, so its files travel beside it.
 */
import type { PyodideInterface } from 'pyodide';
import type { SavedInterpreter } from '../../src/shared/protocol.js';
import { WORKDIR } from '../../src/shared/pyodide-defaults.js';
import { packState } from '../../src/shared/memory/saved-state-format.js';
import { transfer } from 'comlink';
import type { Interpreter } from '../interpreter.js';
import { listFiles, readFile } from '../files/file-calls.js';
import { pagesOf } from './state-base.js';
import { type GrowingHeap, growHeap } from './memory-image.js';

interface SnapshotApi {
  config: { _makeSnapshot?: boolean };
  getExpectedKeys(): unknown[];
}
interface DynamicLibraries {
  LDSO?: { loadedLibsByName?: Record<string, unknown> };
  HEAP8: Int8Array;
}

/** Why an interpreter cannot be saved: a loaded dynamic library (compiled package code lives outside what a snapshot restores). */
export function unsaveableReason(pyodide: PyodideInterface): string | undefined {
  const module = (pyodide as unknown as { _module: DynamicLibraries })._module;
  const libraries = Object.keys(module.LDSO?.loadedLibsByName ?? {}).filter((name) => name !== '__main__');
  if (libraries.length === 0) return undefined;
  const packages = [...new Set(libraries.map(packageOf))];
  return `the interpreter has compiled code loaded (${packages.join(', ')}): a saved state cannot restore dynamic libraries yet`;
}

/** `…/site-packages/numpy/_core/x.so` → `numpy`; else the library's file name. */
function packageOf(path: string): string {
  const after = path.split('/site-packages/')[1];
  return after ? after.split('/')[0] : path.slice(path.lastIndexOf('/') + 1);
}

/**
 * The interpreter's memory and the working directory's files. Only between runs (the host's
 * queue sees to it). JavaScript objects Python holds (the runner's callbacks to this worker, a
 * cell's `js` values) cannot be saved: each becomes a stale reference in the snapshot, which the
 * restore replaces with one that throws (the runner's own are bound anew, see runner.py `rebind`).
 */
export function saveInterpreter(py: Interpreter, key: SavedInterpreter['key']): SavedInterpreter {
  const reason = unsaveableReason(py.pyodide);
  if (reason) throw new Error(reason);
  const { pyodide } = py;
  const api = (pyodide as unknown as { _api: SnapshotApi })._api;
  const before = api.config._makeSnapshot;
  // Pyodide checks only this flag; a booted interpreter's `js` is plain globalThis (boot.ts), so no path is recorded.
  api.config._makeSnapshot = true;
  // Pyodide checks that its first table entries hold what a fresh boot put there; the run turns
  // (stops/run-turns.ts) replaced one (`scheduleCallback`). A restore sets them all anew, so the
  // save compares them with themselves.
  const expected = api.getExpectedKeys;
  const table = (pyodide as unknown as { _module: { __hiwire_get(i: number): unknown } })._module;
  api.getExpectedKeys = () => expected().map((_, i) => table.__hiwire_get(i));
  // Freed slots read as undefined, which Pyodide refuses: saved as empty ones.
  const get = table.__hiwire_get;
  table.__hiwire_get = (i: number) => get(i) ?? null;
  const module = table as unknown as DynamicLibraries;
  const heap = module.HEAP8;
  let header: Uint8Array;
  try {
    // Pyodide's snapshot is its header, then a copy of the heap: with the heap hidden, only the
    // header is made, and only the heap's pages a save keeps are copied (pagesOf).
    module.HEAP8 = new Int8Array(0);
    header = pyodide.makeMemorySnapshot({ serializer: () => STALE });
  } finally {
    module.HEAP8 = heap;
    api.config._makeSnapshot = before;
    api.getExpectedKeys = expected;
    table.__hiwire_get = get;
  }
  const { pageMap, pages } = pagesOf(heap, py.base);
  const files = listFiles(py).map(({ path }) => {
    const data = readFile(py, path);
    if (!(data instanceof Uint8Array)) throw new Error(`could not read ${path}`);
    return { path, data };
  });
  return { key, header, memoryBytes: heap.length, pageMap, pages, base: py.base?.id ?? null, heapSize: heap.length, files };
}

const STALE = { stale: true };

/** `saved` packed here, as one buffer to transfer; refused over `maxBytes`; `signal` stops it at its next pause. */
export async function packedState(saved: SavedInterpreter, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array> {
  const packed = await packState(saved, maxBytes, signal);
  return transfer(packed, [packed.buffer]);
}

/** What a restored interpreter finds where Python held a JavaScript object at the save: it throws when used. */
export function staleReference(): unknown {
  const fail = () => {
    throw new Error('a JavaScript object from before the interpreter was saved: it did not survive the restore');
  };
  return new Proxy(fail, { get: fail, apply: fail, construct: fail, has: () => true });
}

/**
 * `create` (Pyodide's `createPyodideModule`) with the memory grown to `heapSize` before the
 * snapshot is copied in: Pyodide copies it into the initial memory, so a heap that grew past that
 * (a session holding 100 MB) failed with "offset is out of bounds" (pyodide#6254).
 */
export function growingTo<S extends { preRun?: unknown }>(heapSize: number, create: (settings: S) => Promise<unknown>): (settings: S) => Promise<unknown> {
  return (settings) => {
    const preRun = typeof settings.preRun === 'function' ? [settings.preRun] : ((settings.preRun as unknown[]) ?? []);
    preRun.push((module: GrowingHeap) => growHeap(module, heapSize));
    settings.preRun = preRun;
    return create(settings);
  };
}

/** Writes the saved working directory into the restored interpreter (before its runner is bound). */
export function writeSavedFiles(pyodide: PyodideInterface, files: SavedInterpreter['files']): void {
  for (const { path, data } of files) {
    const full = `${WORKDIR}/${path}`;
    pyodide.FS.mkdirTree(full.slice(0, full.lastIndexOf('/')));
    pyodide.FS.writeFile(full, data);
  }
}
