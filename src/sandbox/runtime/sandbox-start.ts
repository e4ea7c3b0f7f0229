/** The first steps of `PythonSandbox.create`: the limits, the boot plan, and the first interpreter with the runtime loading beside it. */
import type { SandboxLimits, SandboxOptions } from '../../shared/types.js';
import { isNode } from '../../shared/is-node.js';
import { DownloadProgress, downloadingMessage } from '../downloads/download-progress.js';
import { preparePackagesInNode } from '../packages/node-packages.js';
import { resolveLimits } from '../limits.js';
import { Interpreters } from '../session/interpreters.js';
import { checkRestartPoints, keepsRestartPoints, type RestartPointPolicy } from '../session/restart-point.js';
import { checkpointBounds } from '../session/timeline.js';
import { notRestored, type StateFiles, stateForWorker } from '../session/saved-state.js';
import { SandboxBootError } from '../errors.js';
import { WorkdirMirror } from '../files/workdir-mirror.js';
import type { WorkerSession } from '../session/worker-session.js';
import { type BootPlan, prepareRuntime } from './boot-plan.js';
import { bundledSnapshotUrl } from './bundled-assets.js';
import { planBoot } from './sandbox-options.js';
import { loadShippedSnapshot } from './shipped-snapshot.js';
import { openSnapshotStore } from './snapshot-store.js';

/** A started sandbox's parts; `files`: those of `options.savedState`, for the host's mirror of the working directory. */
export interface StartedSandbox {
  session: WorkerSession;
  boot: BootPlan;
  limits: SandboxLimits;
  interpreters: Interpreters;
  restartPoints: RestartPointPolicy;
  files?: StateFiles;
  /** `options.savedState`, the interpreter's first restart point. */
  savedState?: Uint8Array;
  /** `options.checkpoints` checked: undefined when off. */
  checkpoints: ReturnType<typeof checkpointBounds>;
  /** What a fork is created with. */
  options: SandboxOptions;
  /** Set for a fork: the state it started from (see `Timeline.forked`). */
  forkedFrom?: { id?: string; run?: number; savedAt: string };
}

export async function startSandbox(options: SandboxOptions): Promise<StartedSandbox> {
  const limits = resolveLimits(options.limits);
  const restartPoints = checkRestartPoints(options.restartPoints);
  const checkpoints = checkpointBounds(options.checkpoints);
  const { savedState } = options;
  if (savedState !== undefined && !(savedState instanceof Uint8Array))
    throw new TypeError(`savedState must be a Uint8Array (saveState's bytes); got ${typeof savedState}`);
  // The caller's URLs are relative to the page (Node: the working directory), not to this module.
  const base = typeof location === 'undefined' ? `file://${process.cwd()}/` : location.href;
  const boot = planBoot(options, limits, base);
  // Checked (for a Node worker thread, unpacked) while the runtime loads; the worker compares the build.
  const state = savedState && stateForWorker(savedState, null, undefined, WorkdirMirror.keeper(limits.maxTotalFileBytes));
  state?.catch(() => undefined);
  const { indexURL } = boot.config;
  const snapshots = openSnapshotStore(options.snapshotCache, indexURL);
  // Browsers: what a first visit waits for is downloads; their bytes are the progress.
  const { onProgress } = options;
  const downloads =
    onProgress && !isNode ? new DownloadProgress((bytes) => onProgress({ phase: 'boot', message: downloadingMessage(bytes), bytes })) : undefined;
  // The snapshot and (browsers) the runtime, (Node) the lock file load while the worker starts.
  const prepared = isNode ? preparePackagesInNode(boot, options, base) : prepareRuntime(boot, options, downloads);
  // The snapshot built into the package fits only the package's own runtime.
  const useShipped = options.indexURL === undefined && (options.shippedSnapshot ?? true) && options.snapshotCache !== 'off';
  const shipped = useShipped ? () => loadShippedSnapshot(bundledSnapshotUrl(), downloads) : undefined;
  const { interpreters, session } = await Interpreters.start(
    boot,
    {
      warmSpare: options.warmSpare ?? 'auto',
      onProgress: options.onProgress,
      shipped,
      restores: (stops) => keepsRestartPoints(restartPoints, stops),
      checkpoints: checkpoints !== undefined,
    },
    snapshots,
    prepared,
    state?.then(({ given }) => given),
  ).catch(async (error: Error) => {
    // Refused bytes say so; a worker that would not start from checked ones, too (not as a boot
    // error), but for one that ran out of time on a busy machine: the state is not to blame.
    if (state && !(SandboxBootError.isInstance(error) && error.retryable))
      throw await state.then(
        () => notRestored(error),
        (refused: Error) => refused,
      );
    throw error;
  });
  return { session, boot, limits, interpreters, restartPoints, files: (await state)?.files, savedState, checkpoints, options };
}
