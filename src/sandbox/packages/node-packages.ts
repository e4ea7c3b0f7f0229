/**
 * Node: wheels reach the worker through the same broker as in browsers, so each one is checked
 * against the lock file's SHA-256 before Pyodide installs it (Pyodide 314 checks no hash in
 * Node: it fetches `packageBaseUrl` and installs whatever comes back). The host reads the lock
 * file once and hands its text to the worker, so the broker and Pyodide go by the same one.
 */
import { defaultPackageBaseUrl } from '../../shared/pyodide-defaults.js';
import type { SandboxOptions } from '../../shared/types.js';
import type { BootPlan } from '../runtime/boot-plan.js';
import { fetchOk } from '../downloads/checked-fetch.js';
import { SandboxBootError } from '../errors.js';
import { PackageBroker } from './package-broker.js';

/** `base`: what the caller's relative paths and URLs are relative to (`file://` + the working directory). */
export async function preparePackagesInNode(boot: BootPlan, options: SandboxOptions, base: string): Promise<void> {
  const lockFile =
    options.lockFileContents ?? (await readLockFile(new URL(options.lockFileURL ?? 'pyodide-lock.json', options.lockFileURL ? base : boot.config.indexURL)));
  boot.config.lockFileContents = lockFile;
  // Pyodide refuses both; the text is the one the broker checks against.
  boot.config.lockFileURL = undefined;
  // A local folder of wheels may be named by its path, as Pyodide allowed.
  const source = options.packageBaseUrl === undefined ? undefined : new URL(options.packageBaseUrl, base).href;
  let version = '';
  boot.packages = new PackageBroker(lockFile, () => source ?? defaultPackageBaseUrl(version), boot.packageIndex);
  boot.onBooted = (info) => {
    version = info.pyodideVersion;
  };
}

async function readLockFile(url: URL): Promise<string> {
  try {
    if (url.protocol !== 'file:') return await (await fetchOk(url)).text();
    const { readFile } = await import(/* @vite-ignore */ 'node:fs/promises');
    return await readFile(url, 'utf8');
  } catch (error) {
    throw new SandboxBootError(`Could not read the lock file ${url.href}: ${(error as Error)?.message ?? error} (set lockFileURL or lockFileContents)`);
  }
}
