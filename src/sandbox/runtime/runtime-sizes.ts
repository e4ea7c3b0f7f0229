/**
 * The size of each runtime file this package was built with, for download progress where a
 * response's Content-Length is missing or counts other bytes (a compressed transfer).
 */
import type { RuntimeUrls } from './runtime-urls.js';

/** Set by the build (vite.config.ts, vitest.config.ts): the size of each file in dist/pyodide/, plain and `.gz`, by name. */
declare const __PYODIDE_RUNTIME_BYTES__: Readonly<Record<string, number>>;

/** The expected size of each runtime file as it arrives, by role; a missing one is unknown. */
export type RuntimeSizes = { readonly [K in keyof RuntimeUrls]?: number };

const NAMES: Record<keyof RuntimeUrls, string> = {
  pyodideMjs: 'pyodide.mjs',
  asmMjs: 'pyodide.asm.mjs',
  wasm: 'pyodide.asm.wasm',
  stdlib: 'python_stdlib.zip',
  lockFile: 'pyodide-lock.json',
};

const sizes = (name: (file: string) => string): RuntimeSizes =>
  Object.fromEntries(Object.entries(NAMES).map(([role, file]) => [role, __PYODIDE_RUNTIME_BYTES__[name(file)]]));

/** The official files (the CDN fallback: checked to be the very files this package was built with). */
export const OFFICIAL_RUNTIME_BYTES: RuntimeSizes = sizes((file) => file);

/** The package's own copy as the browser build loads it: gzipped where a `.gz` was shipped. */
export const SHIPPED_RUNTIME_BYTES: RuntimeSizes = sizes((file) => (__PYODIDE_RUNTIME_BYTES__[`${file}.gz`] === undefined ? file : `${file}.gz`));
