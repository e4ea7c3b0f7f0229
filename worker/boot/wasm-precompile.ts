/**
 * Pyodide compiles its wasm inside `loadPyodide`, after importing its JavaScript. Started as soon
 * as the bytes are at hand, compiling runs on V8's background threads while that JavaScript is
 * imported and the snapshot read; Pyodide's own `instantiateStreaming` call then gets the module.
 */
export function precompileWasm(source: Promise<Response>, isPyodideWasm: (response: Response) => boolean): void {
  const compiled = WebAssembly.compileStreaming(source);
  compiled.catch(() => undefined); // Pyodide's own attempt reports the failure
  const instantiateStreaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
  WebAssembly.instantiateStreaming = async (pending, imports) => {
    const response = await pending;
    if (!isPyodideWasm(response)) return instantiateStreaming(response, imports);
    let module: WebAssembly.Module;
    try {
      module = await compiled;
    } catch {
      return instantiateStreaming(response, imports);
    }
    void response.body?.cancel().catch(() => undefined);
    return { module, instance: await WebAssembly.instantiate(module, imports) };
  };
}
