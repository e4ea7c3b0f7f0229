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
}

type Create<S> = (settings: S) => Promise<unknown>;
type Thenable = { then(resolve: (bytes: Uint8Array | undefined) => void): void };
interface RestoringModule {
  HEAPU8: Uint8Array;
  API: { restoreSnapshot(body: Uint8Array): unknown };
}

/** The options of `loadPyodide` that restore `image`: `create` (Pyodide's `createPyodideModule`) wrapped, and the snapshot. */
export function loadingImage<S>(image: MemoryImage, create: Create<S>): { createPyodideModule: Create<S>; _loadSnapshot: Thenable } {
  return {
    createPyodideModule: (settings) =>
      create(settings).then((created) => {
        const module = created as RestoringModule;
        const { API } = module;
        const restore = API.restoreSnapshot;
        API.restoreSnapshot = (body) => {
          API.restoreSnapshot = restore;
          // Pyodide checks the header and copies what follows it: nothing.
          const config = restore.call(API, body);
          const heap = module.HEAPU8;
          if (image.length > heap.length) throw new Error(`the snapshot's memory (${image.length} bytes) does not fit the heap (${heap.length} bytes)`);
          heap.fill(0, 0, image.length);
          image.writeInto(heap);
          return config;
        };
        return created;
      }),
    _loadSnapshot: handedOnce(image.header),
  };
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
