/**
 * Pyodide's loader (Emscripten's `convertJsFunctionToWasm`, in every engine) puts each JavaScript
 * function it adds to the wasm function table in a tiny wasm module of its own, compiled at once:
 * a boot compiles about 260 of them, of 30 kinds, the kind being the function's signature (the
 * function itself is the instance's import). A Chromium worker spent about 30 ms of every boot
 * compiling them, WebKit about 90 (5 ms in Node). Here each kind is compiled once per worker, and
 * every later module of the same bytes is that one.
 */

/** A module of more bytes is not one of Emscripten's wrappers (those are about 30 bytes). */
const MAX_WRAPPER_BYTES = 256;
/** Kinds kept: a boot makes about 30; code that compiles many small modules of its own gets no more. */
const MAX_KINDS = 128;

let installed = false;

/** From now on in this worker, a small module of bytes seen before is the one compiled then. */
export function compileTableFunctionsOnce(): void {
  if (installed) return;
  installed = true;
  const compiled = new Map<string, WebAssembly.Module>();
  WebAssembly.Module = new Proxy(WebAssembly.Module, {
    construct(target, args, newTarget) {
      const key = newTarget === WebAssembly.Module ? keyOf(args[0]) : undefined;
      const known = key === undefined ? undefined : compiled.get(key);
      if (known) return known;
      const module = Reflect.construct(target, args, newTarget === WebAssembly.Module ? target : newTarget);
      if (key !== undefined && compiled.size < MAX_KINDS) compiled.set(key, module);
      return module;
    },
  });
}

/** The bytes of a small module as a string, or undefined for anything else (a large module, or not bytes). */
function keyOf(source: unknown): string | undefined {
  const bytes =
    source instanceof ArrayBuffer
      ? new Uint8Array(source)
      : ArrayBuffer.isView(source)
        ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
        : undefined;
  if (!bytes || bytes.length > MAX_WRAPPER_BYTES) return undefined;
  return String.fromCharCode(...bytes);
}
