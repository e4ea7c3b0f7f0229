/**
 * CPython calls C functions through a trampoline that Pyodide's module picks, in a preRun, for the
 * runtime at hand: one written in wasm where WebAssembly GC is available, else one in JavaScript.
 * The pick is a word of `_PyRuntime` in Python's memory. Restoring a snapshot overwrites all of
 * that memory after preRun, so an interpreter restored from a snapshot made elsewhere calls
 * through the pick of the runtime that made it: the shipped snapshot is made in Node, whose pick
 * is the JavaScript one. That costs every C call a trip through JavaScript, and JSPI cannot
 * suspend a stack with JavaScript frames on it (worker/boot/late-stdlib.ts needs it to). So the word
 * this runtime's preRun wrote is read and put back after the restore.
 */

/** What Emscripten hands a preRun callback: the parts of Pyodide's module read here. */
interface TrampolineModule {
  HEAP32: Int32Array;
  __PyRuntime: number;
  __PyEM_EMSCRIPTEN_TRAMPOLINE_OFFSET: number;
}

type Settings = { preRun?: ((module: TrampolineModule) => void) | Array<(module: TrampolineModule) => void> };
type CreateModule = (settings: Settings) => Promise<unknown>;

export class TrampolinePick {
  private picked: { address: number; value: number } | undefined;
  private module: TrampolineModule | undefined;

  /** `create` (Pyodide's `createPyodideModule`), noting this runtime's pick once its preRun made it. */
  wrap(create: CreateModule): CreateModule {
    return (settings) => {
      const preRun = typeof settings.preRun === 'function' ? [settings.preRun] : (settings.preRun ?? []);
      // Runs after the module's own preRun callbacks (Emscripten appends these to its list).
      preRun.push((module) => {
        this.module = module;
        const { HEAP32, __PyRuntime: runtime, __PyEM_EMSCRIPTEN_TRAMPOLINE_OFFSET: offsetAt } = module;
        if (typeof runtime !== 'number' || typeof offsetAt !== 'number') return; // a Pyodide without it
        const address = runtime + HEAP32[offsetAt >> 2];
        this.picked = { address, value: HEAP32[address >> 2] };
      });
      settings.preRun = preRun; // in place: Emscripten's module is this very object, and Pyodide reads it after
      return create(settings);
    };
  }

  /** After a restore: calls go through this runtime's trampoline again. */
  putBack(): void {
    if (this.module && this.picked) this.module.HEAP32[this.picked.address >> 2] = this.picked.value;
  }
}
