/**
 * The runtime files this package was built with, by SHA-256. When the app does not serve the
 * package's own copy, the sandbox loads the same Pyodide version from the official CDN; those
 * files (and the lock file, whose wheel hashes the package broker then trusts) are checked
 * against the hashes the build recorded (vite.config.ts), before they are used or stored.
 */
import { sha256Hex } from '../../shared/memory/bytes.js';
import type { RuntimeUrls } from './runtime-urls.js';

/** Set by the build (vite.config.ts, vitest.config.ts): the SHA-256 of each file in dist/pyodide/, by name. */
declare const __PYODIDE_RUNTIME_SHA256__: Readonly<Record<string, string>>;

/** The SHA-256 (hex) expected of each runtime file; a file without one is not checked (a custom lock file). */
export type RuntimeDigests = { readonly [K in keyof RuntimeUrls]?: string };

/** The hashes of the official files of the Pyodide version this package ships, recorded when it was built. */
export const SHIPPED_RUNTIME_SHA256: Required<RuntimeDigests> = Object.freeze({
  pyodideMjs: __PYODIDE_RUNTIME_SHA256__['pyodide.mjs'],
  asmMjs: __PYODIDE_RUNTIME_SHA256__['pyodide.asm.mjs'],
  wasm: __PYODIDE_RUNTIME_SHA256__['pyodide.asm.wasm'],
  stdlib: __PYODIDE_RUNTIME_SHA256__['python_stdlib.zip'],
  lockFile: __PYODIDE_RUNTIME_SHA256__['pyodide-lock.json'],
});

/** A runtime file whose bytes are not the ones this package was built with: refused, never stored. */
export class RuntimeIntegrityError extends Error {
  override name = 'RuntimeIntegrityError';
  constructor(
    readonly url: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${url} is not the file this package was built with (SHA-256 expected ${expected}, got ${actual}); refused, not stored`);
  }
}

/**
 * Throws unless `blob` has the SHA-256 `expected`: a {@link RuntimeIntegrityError} naming the
 * file and both hashes, or, where the browser cannot hash (`crypto.subtle` exists only in secure
 * contexts), an error saying so: an unchecked file is never run.
 */
export async function checkRuntimeFile(url: string, blob: Blob, expected: string): Promise<void> {
  if (!globalThis.crypto?.subtle) {
    throw new Error(
      `cannot check ${url} against the SHA-256 this package was built with: this page is not a secure context (https or localhost), where browsers offer crypto.subtle; serve the package's own runtime files`,
    );
  }
  const actual = await sha256Hex(await blob.arrayBuffer());
  if (actual !== expected) throw new RuntimeIntegrityError(url, expected, actual);
}
