/**
 * Where the runtime's files are. Its own module because the files' loader, their integrity check
 * and their expected sizes all key on it.
 */

/** Where each runtime file is (a bundler may have renamed each one, so not one folder); any may be gzipped. */
export interface RuntimeUrls {
  pyodideMjs: string;
  asmMjs: string;
  wasm: string;
  stdlib: string;
  lockFile: string;
}

/** The runtime files in one folder, under Pyodide's own names (`indexURL`, a CDN, a self-hosted copy). */
export function runtimeIn(indexURL: string): RuntimeUrls {
  const at = (name: string) => new URL(name, indexURL).href;
  return {
    pyodideMjs: at('pyodide.mjs'),
    asmMjs: at('pyodide.asm.mjs'),
    wasm: at('pyodide.asm.wasm'),
    stdlib: at('python_stdlib.zip'),
    lockFile: at('pyodide-lock.json'),
  };
}
