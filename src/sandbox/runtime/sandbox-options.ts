/**
 * A sandbox's options read into what every interpreter of it is booted with: where the worker and
 * the runtime are, the worker's limits, and where Python runs (`isolation`).
 */
import { isNode } from '../../shared/is-node.js';
import { defaultRuntimeUrl } from '../../shared/pyodide-defaults.js';
import type { DenoBoundary, SandboxLimits, SandboxOptions } from '../../shared/types.js';
import type { Isolation } from '../isolation/spawned-worker.js';
import { CHART_LIMITS, MAX_FILES_PER_RUN, MAX_IMAGES_PER_RUN, maxMessageChars, maxStreamedChars } from '../limits.js';
import { resolvePackageIndex } from '../packages/package-index-option.js';
import type { BootPlan } from './boot-plan.js';
import { BUNDLED_PYODIDE_VERSION, bundledRuntime, bundledWorkerUrl } from './bundled-assets.js';
import { runtimeIn } from './runtime-urls.js';

/**
 * The boot plan of a sandbox's options.
 * @param base What the options' relative URLs are relative to: the page, or in Node the working directory.
 * @throws {TypeError} an isolation or a Deno boundary that cannot apply (the message names it).
 */
export function planBoot(options: SandboxOptions, limits: SandboxLimits, base: string): BootPlan {
  const runtime: BootPlan['runtime'] =
    options.indexURL === undefined
      ? { urls: bundledRuntime(), fallback: { indexURL: defaultRuntimeUrl(BUNDLED_PYODIDE_VERSION), version: BUNDLED_PYODIDE_VERSION } }
      : { urls: runtimeIn(new URL(options.indexURL, base).href) };
  const indexURL = new URL('.', runtime.urls.pyodideMjs).href;
  const packageIndex = resolvePackageIndex(options.packageIndex, base);
  const config: BootPlan['config'] = {
    indexURL,
    packageBaseUrl: options.packageBaseUrl,
    lockFileURL: options.lockFileURL,
    lockFileContents: options.lockFileContents,
    recursionLimit: limits.recursionLimit,
    maxOutputBytes: limits.maxOutputBytes,
    maxFileBytes: limits.maxFileBytes,
    maxTotalFileBytes: limits.maxTotalFileBytes,
    maxImagesPerRun: MAX_IMAGES_PER_RUN,
    maxFilesPerRun: MAX_FILES_PER_RUN,
    charts: CHART_LIMITS,
    packageIndex: packageIndex !== undefined,
  };
  const workerUrl = options.workerUrl === undefined ? bundledWorkerUrl() : new URL(options.workerUrl, base);
  return {
    workerUrl,
    runtime,
    config,
    isolation: resolveIsolation(options, [workerUrl, new URL(indexURL)]),
    bootTimeoutMs: limits.bootTimeoutMs,
    callTimeoutMs: limits.callTimeoutMs,
    maxStreamedChars: maxStreamedChars(limits),
    maxMessageChars: maxMessageChars(limits),
    packageIndex,
  };
}

/**
 * Browsers isolate in a frame by default; Node runs a worker thread (no boundary: see SECURITY.md)
 * unless asked for a Deno process, which may read `runtimeFolders` (the worker script's and the
 * runtime's file: URLs) and what `options.deno` opens.
 */
export function resolveIsolation(options: Pick<SandboxOptions, 'isolation' | 'deno'>, runtimeFolders: readonly URL[]): Isolation {
  const { isolation } = options;
  if (isolation !== undefined && isolation !== 'frame' && isolation !== 'worker' && isolation !== 'deno')
    throw new TypeError(`isolation must be 'frame', 'worker' or 'deno'; got ${String(isolation)}`);
  if (isolation === 'deno') {
    if (!isNode) throw new TypeError("isolation: 'deno' is for Node (a Deno process); in browsers use 'frame'");
    return { deno: checkDenoBoundary(options.deno ?? {}), runtimeFolders: runtimeFolders.map(fileFolder) };
  }
  if (options.deno !== undefined) throw new TypeError("the deno option applies only with isolation: 'deno'");
  if (isNode) return 'worker';
  return isolation ?? 'frame';
}

/** The folder of a file: URL (deno-process.ts turns it into the path Deno's permissions take). */
function fileFolder(url: URL): string {
  if (url.protocol !== 'file:') throw new TypeError(`isolation: 'deno' needs the worker and the runtime on disk; got ${url.href}`);
  return new URL('.', url).href;
}

function checkDenoBoundary(boundary: DenoBoundary): DenoBoundary {
  const folders = (name: string, value: unknown) => {
    if (value === undefined) return;
    // Absolute on POSIX or Windows; a comma would split Deno's list.
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(v) && !v.includes(',')))
      throw new TypeError(`deno.${name} must be a list of absolute paths without commas`);
  };
  folders('allowRead', boundary.allowRead);
  const net = boundary.allowNet;
  if (net !== undefined && typeof net !== 'boolean' && !(Array.isArray(net) && net.every((v) => typeof v === 'string' && /^[\w.:[\]-]+$/.test(v))))
    throw new TypeError('deno.allowNet must be true, false or a list of host or host:port');
  if (boundary.path !== undefined && typeof boundary.path !== 'string') throw new TypeError('deno.path must be a string');
  return boundary;
}
