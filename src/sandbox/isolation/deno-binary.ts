/**
 * Finds the Deno executable for `isolation: 'deno'` (Node): the path the app gives, else the
 * `deno` npm package (an optional peer dependency: only apps that want the boundary install it),
 * else `deno` on the PATH. Missing, it says the exact install line.
 */

/** The install line a missing Deno is answered with. */
export const DENO_INSTALL_HINT = 'npm install deno';

/** Paths found so far, by the path given: every interpreter's start asks, and the answer does not change. */
const found = new Map<string | undefined, Promise<string>>();

/** The executable's path, or a clear error (not remembered, so installing Deno later works). */
export function findDeno(given: string | undefined): Promise<string> {
  let path = found.get(given);
  if (!path) {
    path = lookUp(given);
    found.set(given, path);
    path.catch(() => found.delete(given));
  }
  return path;
}

async function lookUp(given: string | undefined): Promise<string> {
  const { accessSync, constants } = await import(/* @vite-ignore */ 'node:fs');
  if (given !== undefined) {
    try {
      accessSync(given, constants.X_OK);
      return given;
    } catch {
      throw new Error(
        `isolation: 'deno' runs Python in a Deno process, and deno.path (${given}) is not an executable. Install Deno beside this package (${DENO_INSTALL_HINT}) or fix the path.`,
      );
    }
  }
  const { createRequire } = await import(/* @vite-ignore */ 'node:module');
  const require = createRequire(import.meta.url);
  try {
    // The package's own helper: it knows each platform's binary package (and musl from glibc).
    const { runInstall } = require('deno/install_api.cjs') as { runInstall(): string };
    return runInstall();
  } catch {
    // Not installed beside this package: try the PATH.
  }
  const { delimiter, join } = await import(/* @vite-ignore */ 'node:path');
  const name = process.platform === 'win32' ? 'deno.exe' : 'deno';
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (!folder) continue;
    try {
      accessSync(join(folder, name), constants.X_OK);
      return join(folder, name);
    } catch {
      // not here
    }
  }
  throw new Error(
    `isolation: 'deno' runs Python in a Deno process, and Deno was not found. Install it beside this package (${DENO_INSTALL_HINT}), put deno on the PATH, or pass deno.path.`,
  );
}
