/**
 * A memory snapshot handed to Pyodide in place. Pyodide's `_loadSnapshot` takes a header and the
 * whole memory after it in one buffer, and copies the memory into the new heap from address 0
 * (its `API.restoreSnapshot`). Every boot from a snapshot or a saved state built that buffer, 31 MB
 * and more, only for Pyodide to copy it. Here Pyodide is given the header alone, and the memory is
 * written straight into the heap at the moment Pyodide would have copied it: no buffer, one copy
 * fewer (a restore in a Node worker thread took 15-20 ms less of its 0.2 s).
 */

/** A snapshot's memory as something that writes itself, and Pyodide's header for it. */
export interface MemoryImage {
  /** Pyodide's snapshot header (its own layout: the memory would follow it), in an aligned buffer of its own. */
  header: Uint8Array;
  /** The heap the image covers, in bytes from address 0. */
  length: number;
  /** Writes the image into `heap` from address 0; `heap` holds zeros up to `length`. */
  writeInto(heap: Uint8Array): void;
  /** An image stored as changes to `base` (a saved state's: state-base.ts): writes the changes alone into a heap that holds `base` and zeros past it. */
  overBase?: { base: BaseMemory; writeChanges(heap: Uint8Array): void };
}

/** The memory a saved state is stored against (its boot snapshot's: state-base.ts `StateBase`). */
export interface BaseMemory {
  /** Its bytes, from address 0. */
  readonly length: number;
  /** Writes its first `length` bytes into `out` from `at`, where `out` holds zeros. */
  copyInto(out: Uint8Array, at: number, length: number): void;
}

type Create<S> = (settings: S) => Promise<unknown>;
type Thenable = { then(resolve: (bytes: Uint8Array | undefined) => void): void };
/** An Emscripten module's heap and its growth. */
export interface GrowingHeap {
  HEAPU8: Uint8Array;
  _emscripten_resize_heap(size: number): number;
}

interface RestoringModule extends GrowingHeap {
  API: { restoreSnapshot(body: Uint8Array): unknown };
}

/** `module`'s memory grown to `heapSize` where it is smaller (a saved heap that grew past the snapshot's: pyodide#6254). */
export function growHeap(module: GrowingHeap, heapSize: number): void {
  if (module.HEAPU8.length < heapSize && !module._emscripten_resize_heap(heapSize))
    throw new Error(`the saved heap (${heapSize} bytes) does not fit this runtime's memory`);
}

/** The options of `loadPyodide` that restore `image`: `create` (Pyodide's `createPyodideModule`) wrapped, and the snapshot. */
export function loadingImage<S>(image: MemoryImage, create: Create<S>): { createPyodideModule: Create<S>; _loadSnapshot: Thenable } {
  return {
    createPyodideModule: (settings) => create(settings).then((created) => restoring(created as RestoringModule, image)),
    _loadSnapshot: handedOnce(image.header),
  };
}

/**
 * `loadingImage` for an image that comes later (a staged boot: worker/boot/boot.ts). Pyodide's
 * module is created meanwhile (the wasm instantiated, its runtime set up) and `base` written into
 * its heap (most of a restore's memory); then `later` is awaited, the heap grown to its
 * `heapSize`, and an image stored against that base writes only its changes when Pyodide
 * restores. `header`: the boot snapshot's, for the module's initial memory; the restore reads the
 * image's own.
 */
export function loadingLater<S>(
  header: Uint8Array,
  create: Create<S>,
  later: () => Promise<{ image: MemoryImage; heapSize: number }>,
  base?: BaseMemory,
): { createPyodideModule: Create<S>; _loadSnapshot: Thenable } {
  return {
    createPyodideModule: (settings) =>
      create(settings).then(async (created) => {
        const module = created as RestoringModule;
        const written = base && base.length <= module.HEAPU8.length ? writeBase(module.HEAPU8, base) : undefined;
        const { image, heapSize } = await later();
        growHeap(module, heapSize);
        // Memory grown since holds zeros.
        const over = written && image.overBase?.base === written ? image.overBase : undefined;
        return restoring(module, image, over?.writeChanges);
      }),
    _loadSnapshot: handedOnce(header),
  };
}

/** `base` in `heap` (the whole heap zeroed first: the module's setup wrote to it). */
function writeBase(heap: Uint8Array, base: BaseMemory): BaseMemory {
  heap.fill(0);
  base.copyInto(heap, 0, base.length);
  return base;
}

/**
 * `module` with its `API.restoreSnapshot` (called once, with a header) writing `image` into the
 * heap where Pyodide would copy it; `writeChanges`: only the image's changes, into a heap that
 * holds its base already.
 */
function restoring(module: RestoringModule, image: MemoryImage, writeChanges?: (heap: Uint8Array) => void): RestoringModule {
  const { API } = module;
  const restore = API.restoreSnapshot;
  API.restoreSnapshot = () => {
    API.restoreSnapshot = restore;
    // Pyodide checks the header and copies what follows it: nothing.
    const config = restore.call(API, image.header);
    const heap = module.HEAPU8;
    if (image.length > heap.length) throw new Error(`the snapshot's memory (${image.length} bytes) does not fit the heap (${heap.length} bytes)`);
    if (writeChanges) writeChanges(heap);
    else {
      heap.fill(0, 0, image.length);
      image.writeInto(heap);
    }
    return config;
  };
  return module;
}

/**
 * A snapshot for Pyodide's `_loadSnapshot`. Pyodide keeps its options as long as the interpreter
 * lives: the bytes are handed over once, through a thenable Pyodide awaits, so those options do
 * not keep them too.
 */
function handedOnce(bytes: Uint8Array): Thenable {
  let given: Uint8Array | undefined = bytes;
  return {
    // biome-ignore lint/suspicious/noThenProperty: a thenable is the point: Pyodide awaits the option, and its result is not kept with it.
    then(resolve) {
      resolve(given);
      given = undefined;
    },
  };
}

/** Pyodide's snapshot of `image` as one buffer, header then memory (what `_loadSnapshot` would otherwise be given). */
export function snapshotBody(image: MemoryImage): Uint8Array {
  const body = new Uint8Array(image.header.length + image.length);
  body.set(image.header);
  image.writeInto(body.subarray(image.header.length));
  return body;
}
