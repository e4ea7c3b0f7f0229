/**
 * The worker and Pyodide's runtime as this package ships them, beside the built module
 * (dist/worker.js, dist/pyodide/). Each is a literal `new URL('./…', import.meta.url)`, the one
 * form Vite, webpack, Next.js and Node all understand: an app's build copies the file and rewrites
 * the URL (to a hashed name, so nothing may assume the files share a folder), and unbundled code
 * finds it beside the module. The `@vite-ignore` comments keep this repository's own builds from
 * rewriting them; the lib build strips the comments (vite.config.ts), so apps' builds see them.
 */
import { version as pyodideVersion } from 'pyodide/package.json';
import type { RuntimeUrls } from './runtime-urls.js';

/**
 * An asset URL made absolute. Next.js (webpack and Turbopack) compiles `new URL('./…',
 * import.meta.url)` to a root-relative URL object (`/_next/static/media/…`), which cannot be a
 * base for another URL; resolving it against the page gives the real one.
 */
function absolute(url: URL): URL {
  return new URL(url.href, globalThis.location?.href);
}

/** The worker script shipped with the package. */
export function bundledWorkerUrl(): URL {
  return absolute(new URL(/* @vite-ignore */ './worker.js', import.meta.url));
}

/**
 * Pyodide's runtime files shipped with the package, as browsers load them: the three big text and
 * wasm files gzipped (vite.config.ts `GZIPPED_PYODIDE_FILES`), decompressed as they stream in.
 * Node reads the plain files beside them (through `indexURL`).
 */
export function bundledRuntime(): RuntimeUrls {
  return {
    pyodideMjs: absolute(new URL(/* @vite-ignore */ './pyodide/pyodide.mjs', import.meta.url)).href,
    asmMjs: absolute(new URL(/* @vite-ignore */ './pyodide/pyodide.asm.mjs.gz', import.meta.url)).href,
    wasm: absolute(new URL(/* @vite-ignore */ './pyodide/pyodide.asm.wasm.gz', import.meta.url)).href,
    stdlib: absolute(new URL(/* @vite-ignore */ './pyodide/python_stdlib.zip', import.meta.url)).href,
    lockFile: absolute(new URL(/* @vite-ignore */ './pyodide/pyodide-lock.json.gz', import.meta.url)).href,
  };
}

/**
 * The interpreter snapshot made when the package was built (scripts/make-snapshot.mjs), gzipped:
 * a first visit restores it instead of booting Python.
 */
export function bundledSnapshotUrl(): URL {
  return absolute(new URL(/* @vite-ignore */ './pyodide/sandbox-snapshot.bin.gz', import.meta.url));
}

/** The Pyodide version shipped (and built against): the CDN fallback fetches exactly this one. */
export const BUNDLED_PYODIDE_VERSION: string = pyodideVersion;
