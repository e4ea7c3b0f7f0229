/**
 * What every interpreter of one sandbox is booted with, and how a session is started from it.
 */
import type { BootConfig, BootInfo } from '../../shared/protocol.js';
import { defaultPackageBaseUrl } from '../../shared/pyodide-defaults.js';
import type { LoadProgress, SandboxOptions } from '../../shared/types.js';
import { SandboxBootError } from '../errors.js';
import { PackageBroker } from '../packages/package-broker.js';
import { type LoadedRuntime, loadRuntime } from './runtime-files.js';
import { type RuntimeUrls, runtimeIn } from './runtime-urls.js';
import type { DownloadProgress } from '../downloads/download-progress.js';
import { SHIPPED_RUNTIME_SHA256 } from './runtime-integrity.js';
import { OFFICIAL_RUNTIME_BYTES, SHIPPED_RUNTIME_BYTES } from './runtime-sizes.js';
import { WorkerSession } from '../session/worker-session.js';
import type { Staged } from '../session/worker-handover.js';
import type { Isolation } from '../isolation/spawned-worker.js';
import { sharedWithThread } from './thread-shared.js';
import { startThreadAhead } from '../isolation/thread-ahead.js';
import { isNode } from '../../shared/is-node.js';

/** Where the runtime is, and where to get it when it is not there (the package's own copy only). */
export interface RuntimeSource {
  urls: RuntimeUrls;
  /**
   * The official CDN of the exact version, when `urls` is the package's copy and it is missing.
   * Its files must have the hashes this package's build recorded.
   */
  fallback?: { indexURL: string; version: string };
}

/** What every session of a sandbox is booted with. */
export interface BootPlan {
  workerUrl: URL;
  runtime: RuntimeSource;
  config: Omit<BootConfig, 'snapshot' | 'makeSnapshot'>;
  isolation: Isolation;
  bootTimeoutMs: number;
  /** See `SessionOptions`. */
  callTimeoutMs: number;
  maxStreamedChars: number;
  maxMessageChars: number;
  packages?: PackageBroker;
  /** The standard library while it downloads (`config.runtime.stdlib` is set once it is in). */
  stdlib?: Promise<Blob>;
  /** The package index's simple API root (`packageIndex`, checked), or undefined when off. */
  packageIndex?: string;
  onBooted?: (info: BootInfo) => void;
  /** A boot failed: what must be undone before the failure is told (a page reloaded at once must not find a damaged stored runtime again). */
  onBootFailed?: () => Promise<void>;
}

type SnapshotChoice = Pick<BootConfig, 'snapshot' | 'makeSnapshot' | 'restoreState' | 'restoreLater'>;

/** A session of `plan`'s; `staged`: a staged boot's (`SessionOptions.staged`: `snapshot` then says `restoreLater`). */
export async function startSession(
  plan: BootPlan,
  snapshot: SnapshotChoice | Promise<SnapshotChoice>,
  onProgress?: (p: LoadProgress) => void,
  signal?: AbortSignal,
  staged?: Staged,
): Promise<WorkerSession> {
  const config = Promise.resolve(snapshot).then(async (choice) => ({
    ...plan.config,
    ...(await sharedWithThread(choice, plan.isolation, plan.config.indexURL)),
  }));
  let session: WorkerSession;
  try {
    session = await WorkerSession.start(plan.workerUrl, config, {
      isolation: plan.isolation,
      bootTimeoutMs: plan.bootTimeoutMs,
      callTimeoutMs: plan.callTimeoutMs,
      maxStreamedChars: plan.maxStreamedChars,
      maxMessageChars: plan.maxMessageChars,
      onProgress,
      signal,
      staged,
      // Read once the config is ready (the runtime loads while the worker starts), like packages.
      get stdlib() {
        return plan.stdlib;
      },
      // Read when a request comes: the broker is made while the first worker starts.
      get packages() {
        return plan.packages;
      },
    });
  } catch (error) {
    if (!signal?.aborted) await plan.onBootFailed?.();
    throw error;
  }
  if (session.info) plan.onBooted?.(session.info);
  // The next boot in this process skips a thread's start (thread-ahead.ts).
  if (isNode && plan.isolation === 'worker') startThreadAhead(plan.workerUrl, plan.config.indexURL);
  return session;
}

/**
 * Browsers: the host loads the runtime and hands it in (an isolated realm fetches nothing, and a
 * bundler may have renamed each file, so a worker could not find them by folder), and sets up the
 * broker that serves wheels. When the package's own copy of the runtime is not served (an app's
 * build left it out), the official CDN of the exact Pyodide version serves it, and progress says
 * so; each of its files must be byte for byte the one this package was built with. `progress`
 * counts the downloads.
 */
export async function prepareRuntime(boot: BootPlan, options: SandboxOptions, progress?: DownloadProgress): Promise<void> {
  const persist = (options.snapshotCache ?? 'auto') === 'auto';
  const { urls, fallback } = boot.runtime;
  let runtime: LoadedRuntime;
  try {
    try {
      // The package's own files have the sizes its build recorded; a runtime set by indexURL may be any build.
      runtime = await loadRuntime(urls, options.lockFileURL, persist, 'indexURL', undefined, { sizes: fallback ? SHIPPED_RUNTIME_BYTES : undefined, progress });
    } catch (error) {
      if (!fallback) throw error;
      options.onProgress?.({
        phase: 'boot',
        message: `Pyodide's runtime is not served with the app (${(error as Error).message}); loading Pyodide ${fallback.version} from ${fallback.indexURL}`,
      });
      runtime = await loadRuntime(runtimeIn(fallback.indexURL), options.lockFileURL, persist, 'indexURL', SHIPPED_RUNTIME_SHA256, {
        sizes: OFFICIAL_RUNTIME_BYTES,
        progress,
      });
      boot.config.indexURL = fallback.indexURL;
    }
    boot.config.runtime = runtime.files;
    boot.stdlib = runtime.stdlib;
    // A stored runtime that does not boot (damaged storage) must not fail every visit after, nor
    // the visit right after the failure (a reload that came before the copy was deleted).
    boot.onBootFailed = () => runtime.forget();
  } catch (error) {
    throw new SandboxBootError(`Could not load the Pyodide runtime: ${(error as Error).message}`);
  }
  let version = '';
  const packages = new PackageBroker(
    options.lockFileContents ?? boot.config.runtime.lockFile,
    () => options.packageBaseUrl ?? defaultPackageBaseUrl(version),
    boot.packageIndex,
  );
  boot.packages = packages;
  // With an explicit source, downloads can start before Python boots; the CDN default needs the version.
  if (options.packageBaseUrl && options.preloadPackages) packages.preload(options.preloadPackages);
  boot.onBooted = (info) => {
    // Stored once a boot has shown it works, and after the first boot, which it would slow.
    runtime.keep();
    const first = !version;
    version = info.pyodideVersion;
    if (first && !options.packageBaseUrl && options.preloadPackages) packages.preload(options.preloadPackages);
  };
}
