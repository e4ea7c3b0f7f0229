/**
 * The Deno executable for `isolation: 'deno'` (Node), and the check that it runs. Found: the path
 * the app gives, else the `deno` npm package (an optional peer dependency: only apps that want the
 * boundary install it), else `deno` on the PATH; missing, it says the exact install line. Checked:
 * `deno --version`, beside each process's start (deno-process.ts), so a Deno that cannot run (a
 * broken install, another platform's binary, one that hangs) fails the boot at once in its own
 * words, not at the boot timeout with a word about the runtime's files.
 */
import { SandboxError } from '../errors.js';

/** The install line a missing Deno is answered with. */
export const DENO_INSTALL_HINT = 'npm install deno';

/** How long `deno --version` may take before the Deno is taken as not running. */
const VERSION_CHECK_MS = 30_000;

/**
 * Deno missing (`code: 'deno-not-found'`) or there but not running (`code: 'deno-does-not-run'`):
 * the `cause` of the boot error a sandbox then throws, so a caller can say it in its own words
 * (the MCP server names its `--deno` flag). `fact` is what was found, a whole sentence.
 */
export class DenoUnavailableError extends SandboxError {
  static override readonly kind: string = 'DenoUnavailableError';
  override name = 'DenoUnavailableError';
  constructor(
    code: 'deno-not-found' | 'deno-does-not-run',
    readonly fact: string,
    advice: string,
  ) {
    super(`isolation: 'deno' runs Python in a Deno process, and ${fact} ${advice}`, { code });
  }
}

/** Paths found so far, by the path given: every interpreter's start asks, and the answer does not change. */
const found = new Map<string | undefined, Promise<string>>();

/** The executable's path, or a clear error (not remembered, so installing Deno later works). */
export function findDeno(given: string | undefined): Promise<string> {
  return remembered(found, given, lookUp);
}

async function lookUp(given: string | undefined): Promise<string> {
  const { accessSync, constants } = await import(/* @vite-ignore */ 'node:fs');
  if (given !== undefined) {
    try {
      accessSync(given, constants.X_OK);
      return given;
    } catch {
      throw new DenoUnavailableError(
        'deno-not-found',
        `deno.path (${given}) is not an executable.`,
        `Install Deno beside this package (${DENO_INSTALL_HINT}) or fix the path.`,
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
  throw new DenoUnavailableError(
    'deno-not-found',
    'Deno was not found.',
    `Install it beside this package (${DENO_INSTALL_HINT}), put deno on the PATH, or pass deno.path.`,
  );
}

/** Deno executables seen to run, by path: asked once per process. */
const runs = new Map<string, Promise<void>>();

/**
 * Resolves when `deno` runs (`deno --version`), checked once per path and process; a failure is
 * not remembered, so a Deno fixed later is seen by the next start. Meant to run beside a
 * process's start, so a working Deno costs no time.
 * @throws {DenoUnavailableError} `code: 'deno-does-not-run'`: it failed, or did not answer within 30 s.
 */
export function checkDenoRuns(deno: string): Promise<void> {
  return remembered(runs, deno, versionCheck);
}

/** `make(key)`, made once per key and remembered unless it fails (so a Deno installed or fixed later is seen). */
function remembered<K, T>(cache: Map<K, Promise<T>>, key: K, make: (key: K) => Promise<T>): Promise<T> {
  let promise = cache.get(key);
  if (!promise) {
    promise = make(key);
    cache.set(key, promise);
    promise.catch(() => cache.delete(key));
  }
  return promise;
}

async function versionCheck(deno: string): Promise<void> {
  const { execFile } = await import(/* @vite-ignore */ 'node:child_process');
  return new Promise<void>((resolve, reject) => {
    execFile(deno, ['--version'], { timeout: VERSION_CHECK_MS, encoding: 'utf8' }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      // Its stderr is the executable's own text: one bounded, single line of it.
      const said = stderr.replace(/\s+/g, ' ').trim().slice(0, 300);
      const why = `${error.killed ? `did not answer within ${VERSION_CHECK_MS / 1000} s` : `failed (${error.code ?? error.signal ?? error.message})`}${said ? `: ${said}` : ''}`;
      reject(
        new DenoUnavailableError(
          'deno-does-not-run',
          `Deno (${deno}) does not run: deno --version ${why}.`,
          `Reinstall it (${DENO_INSTALL_HINT} beside this package) or set deno.path to one that runs.`,
        ),
      );
    });
  });
}
