/**
 * The smallest side module Emscripten loads: a wasm with an empty "dylink.0" section. Loaded with
 * `ctypes.CDLL`, it is compiled code in the interpreter, which `saveState()` refuses to save.
 */
export const TINY_LIBRARY = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0, 15, 8, ...new TextEncoder().encode('dylink.0'), 1, 4, 0, 0, 0, 0]);

/** Python that loads `libtiny.so` (written from {@link TINY_LIBRARY}) from the working directory. */
export const LOAD_TINY_LIBRARY = 'import ctypes, os\nlib = ctypes.CDLL(os.path.abspath("libtiny.so"))';
