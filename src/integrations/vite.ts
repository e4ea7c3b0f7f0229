/**
 * The Vite plugin for apps that use this package (`pyodide-code-execution/vite`):
 *
 * ```ts
 * import { pythonSandbox } from 'pyodide-code-execution/vite';
 * export default defineConfig({ plugins: [pythonSandbox()] });
 * ```
 *
 * `vite build` needs nothing from it: the library names its worker and runtime with
 * `new URL('./…', import.meta.url)`, which Vite copies into the build. The dev server needs two
 * things: the package left out of dependency pre-bundling (which would move the module away from
 * the files beside it), and those files served as they are (Vite would transform them as the
 * app's modules, and the worker would then import Vite's client).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

export { adkWebBuild } from './adk/web-build.js';

const NAME = 'pyodide-code-execution';
/** What the sandbox fetches from beside its module, as a URL path ends and as a path inside dist/. */
const SERVED_URL = /(?:^|\/)(?:worker\.js|pyodide\/[\w.-]+)$/;
const SERVED_RAW = /^(worker\.js|pyodide[/\\][\w.-]+)$/;
// `.gz` files are sent as they are (no Content-Encoding): the sandbox decompresses them as they stream in.
const TYPES: Record<string, string> = { '.wasm': 'application/wasm', '.zip': 'application/zip', '.json': 'application/json', '.gz': 'application/gzip' };

/** Serves the sandbox's worker and Pyodide runtime untransformed in `vite` dev, and keeps the package out of pre-bundling. */
export function pythonSandbox(): Plugin {
  // This module is dist/vite.js; the worker and runtime are beside it.
  const dist = realpathSync(fileURLToPath(new URL(/* @vite-ignore */ '.', import.meta.url)));
  return {
    name: NAME,
    config: () => ({
      // @google/genai (a peer dependency) still needs pre-bundling: it imports CommonJS.
      optimizeDeps: { exclude: [NAME], include: [`${NAME} > @google/genai`] },
    }),
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = requestPath(req.url ?? '');
        // Every dev request passes here: the disk is asked only about the sandbox's own file names.
        if (path === undefined || !SERVED_URL.test(path)) return next();
        const candidate = path.startsWith('/@fs/') ? path.slice('/@fs'.length) : join(server.config.root, path);
        if (!existsSync(candidate)) return next();
        const inDist = relative(dist, realpathSync(candidate));
        if (!SERVED_RAW.test(inDist)) return next();
        res.writeHead(200, { 'Content-Type': TYPES[extname(inDist)] ?? 'text/javascript' });
        res.end(readFileSync(candidate));
      });
    },
  };
}

/**
 * The decoded path of a request URL, or undefined for a malformed percent escape (`/%E0%A4%A`):
 * no file of ours has such a name, so the request goes on to Vite, which answers it as it does
 * any other malformed URL instead of with a 500.
 */
function requestPath(url: string): string | undefined {
  try {
    return decodeURIComponent(url.split('?')[0]);
  } catch {
    return undefined;
  }
}
