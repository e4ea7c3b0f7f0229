/**
 * Loads Pyodide's module, the first step of the boot: from the index URL (Node), or from the
 * runtime's bytes the host fetched (browsers, isolated mode), with wheels asked of the host.
 */
import type { PyodideInterface } from 'pyodide';
import type { BootConfig, Bytes } from '../../src/shared/protocol.js';
import type { LateStdlib } from './late-stdlib.js';
import { StagingFolder, toLocalPath } from './node-paths.js';
import { VIRTUAL_PACKAGE_URL } from '../packages/package-url.js';
import { VIRTUAL_INDEX_URL, hideImportScripts, importModule, installRuntimeFetch, routePackagesToHost } from './runtime-fetch.js';
import type { TrampolinePick } from '../snapshots/trampoline.js';
import { precompileWasm } from './wasm-precompile.js';
import { compileTableFunctionsOnce } from './table-function-modules.js';
import { isNode } from '../../src/shared/is-node.js';

/** What `loadPyodide` is given: the module's own options and the sandbox's. */
export type LoadOptions = Record<string, unknown>;
type LoadPyodide = (options: LoadOptions) => Promise<PyodideInterface>;
export interface PyodideModule {
  loadPyodide: LoadPyodide;
  version: string;
}

/** The module, the options it is to be loaded with, and (Node) Pyodide's wheel folder (see node-paths.ts). */
export interface LoadedModule extends PyodideModule {
  extra: LoadOptions;
  staging?: StagingFolder;
}

/** What loading the module uses of the engine's parts. */
export interface ModuleParts {
  /** Asks the host for a wheel (see host-requests.ts). */
  fetchPackage(fileName: string): Promise<Bytes>;
  trampoline: TrampolinePick;
  stdlib: LateStdlib;
}

export async function loadPyodideModule(config: BootConfig, parts: ModuleParts): Promise<LoadedModule> {
  const { trampoline, stdlib } = parts;
  compileTableFunctionsOnce();
  if (!config.runtime) {
    // A Deno worker (a browser worker reading the runtime's files): the wasm compiles while the rest loads.
    if (!isNode) {
      const wasmUrl = new URL('pyodide.asm.wasm', config.indexURL).href;
      precompileWasm(fetch(wasmUrl), (response) => response.url === wasmUrl);
    }
    const [module, asm] = await importPyodide(config.indexURL);
    // Node: wheels come from the host too, which checks each against the lock file (Pyodide
    // checks no hash in Node). The host hands in the lock file's text.
    routePackagesToHost((fileName) => parts.fetchPackage(fileName));
    const staging = await StagingFolder.create();
    const create = trampoline.wrap(asm.default as Parameters<TrampolinePick['wrap']>[0]);
    return {
      ...module,
      staging,
      extra: {
        indexURL: await toLocalPath(config.indexURL),
        createPyodideModule: config.wasmModule ? withCompiledWasm(config.wasmModule, create) : create,
        packageBaseUrl: VIRTUAL_PACKAGE_URL,
        packageCacheDir: staging?.path,
        lockFileURL: config.lockFileURL,
        lockFileContents: config.lockFileContents,
      },
    };
  }
  const { runtime } = config;
  if (runtime.stdlib) stdlib.arrive(runtime.stdlib);
  installRuntimeFetch(
    runtime,
    (fileName) => parts.fetchPackage(fileName),
    () => stdlib.forPyodide(),
  );
  hideImportScripts();
  const [module, asm] = await Promise.all([importModule<PyodideModule>(runtime.pyodideMjs), importModule<{ default: unknown }>(runtime.asmMjs)]);
  return {
    ...module,
    extra: {
      indexURL: VIRTUAL_INDEX_URL,
      createPyodideModule: trampoline.wrap(asm.default as Parameters<TrampolinePick['wrap']>[0]),
      packageBaseUrl: VIRTUAL_PACKAGE_URL,
      lockFileContents: config.lockFileContents ?? runtime.lockFile,
    },
  };
}

/**
 * Pyodide's JavaScript from the runtime's folder. Imported once per thread: a Node thread started
 * ahead of its sandbox (src/sandbox/isolation/thread-ahead.ts) calls it while it waits, and the
 * boot's call then gets the same modules.
 */
export function importPyodide(indexURL: string): Promise<[PyodideModule, { default: unknown }]> {
  return Promise.all([
    import(/* @vite-ignore */ new URL('pyodide.mjs', indexURL).href) as Promise<PyodideModule>,
    import(/* @vite-ignore */ new URL('pyodide.asm.mjs', indexURL).href) as Promise<{ default: unknown }>,
  ]);
}

/**
 * `create` (Pyodide's `createPyodideModule`) instantiating `compiled`, the runtime's wasm the
 * host compiled once for its threads (src/sandbox/runtime/thread-shared.ts), instead of compiling
 * the file's bytes again. Pyodide's own `instantiateWasm` adds imports of its own and then
 * instantiates the bytes it read: the first instantiation of bytes from here on gets the compiled
 * module (a package's libraries, loaded later, are left alone).
 */
function withCompiledWasm<S>(compiled: WebAssembly.Module, create: (settings: S) => Promise<unknown>): (settings: S) => Promise<unknown> {
  return (settings) => {
    const instantiate = WebAssembly.instantiate;
    const restore = () => {
      WebAssembly.instantiate = instantiate;
    };
    WebAssembly.instantiate = ((source: BufferSource | WebAssembly.Module, imports?: WebAssembly.Imports) => {
      if (source instanceof WebAssembly.Module) return instantiate(source, imports);
      restore();
      return instantiate(compiled, imports).then((instance) => ({ instance, module: compiled }));
    }) as typeof WebAssembly.instantiate;
    return create(settings).finally(restore);
  };
}
