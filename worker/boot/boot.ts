/**
 * Boots the interpreter in named steps: load Pyodide's module, restore the given snapshot (if it
 * fits), else boot fresh (making a snapshot if asked), then start the runner.
 */
import { transfer } from 'comlink';
import type { PyodideInterface } from 'pyodide';
import type { BootConfig, BootInfo, SavedInterpreter } from '../../src/shared/protocol.js';
import { isNode } from '../../src/shared/is-node.js';
import { PROGRESS } from '../../src/shared/progress-messages.js';
import { WORKDIR, defaultPackageBaseUrl } from '../../src/shared/pyodide-defaults.js';
import type { OutputChunk } from '../../src/shared/types.js';
import { FdOutput } from '../fd-output.js';
import { type WatchedFS, watchFileChanges } from '../files/file-changes.js';
import { useLinearPaths } from '../files/linear-paths.js';
import { type CHeap, zeroFreeMemory } from '../snapshots/free-memory.js';
import { type Interpreter, type RunnerProxy, memoryOf } from '../interpreter.js';
import type { Interrupts } from '../stops/interrupts.js';
import type { MustStop } from '../stops/stop-poll.js';
import { type StagingFolder, localFile, localStream } from './node-paths.js';
import type { Outbox } from '../outbox.js';
import { type IndexPackages, PackageIndex } from '../packages/cell-packages.js';
import { type LoadOptions, type ModuleParts, type PyodideModule, loadPyodideModule } from './pyodide-module.js';
import { PYTHON_SOURCES, SANDBOX_PYTHON_DIR } from './python-sources.js';
import { readSnapshot } from './snapshot-file.js';
import { type KeptPages, type SnapshotKey, hashSources, imageOf, keptPages, wrapSnapshot } from '../snapshots/snapshot.js';
import { StateBase, savedImage } from '../snapshots/state-base.js';
import { loadingImage, loadingLater } from '../snapshots/memory-image.js';
import { refreshTimeZone } from '../snapshots/time-zone.js';
import { growingTo, staleReference, writeSavedFiles } from '../snapshots/saved-state.js';
import { unpackState } from '../../src/shared/memory/saved-state-format.js';
import { type DataSegment, dataSegments, dataSegmentsOfStream } from '../../src/shared/memory/wasm-data.js';

/** What the boot uses of the engine's parts. */
export interface BootParts extends ModuleParts {
  outbox: Outbox;
  interrupts: Interrupts;
  /** Whether the current run must stop (Runs `mustStop`): an import waiting for the standard library asks it. */
  mustStop: MustStop;
  /** Asks the host's package index (see host-requests.ts). */
  askIndex(names: string[]): Promise<IndexPackages>;
  /** Output from C code, which bypasses `sys.stdout` (see runs.ts). */
  rawOutput(stream: 'stdout' | 'stderr', text: string): void;
  /** Output the runner captured (see runs.ts). */
  stream(chunk: OutputChunk): void;
}

/**
 * `later`: a staged boot's saved state (`BootConfig.restoreLater`), which the host hands in when it
 * needs the interpreter: Pyodide is loaded and its module created while it waits (`waiting` told then).
 */
export async function bootInterpreter(
  config: BootConfig,
  parts: BootParts,
  later?: { state: Promise<Uint8Array>; waiting(): void },
): Promise<{ interpreter: Interpreter; info: BootInfo }> {
  // A Blob snapshot is read while the runtime loads.
  const given = config.snapshot && readSnapshot(config.snapshot);
  // What snapshots are stored against (snapshot.ts), read while the runtime loads too.
  const segments = config.snapshot || config.makeSnapshot ? wasmData(config) : undefined;
  segments?.catch(() => undefined);
  const module = await loadPyodideModule(config, parts);
  // For messages: the source the user configured (in isolated mode the worker sees a virtual one).
  const packageBaseUrl = config.packageBaseUrl ?? defaultPackageBaseUrl(module.version);
  const options: LoadOptions = {
    ...module.extra,
    env: { HOME: WORKDIR, MPLBACKEND: 'module://sandbox_mpl_backend' },
    // Output from C code bypasses sys.stdout; send it into the same capture.
    stdout: (line: string) => parts.rawOutput('stdout', `${line}\n`),
    stderr: (line: string) => parts.rawOutput('stderr', `${line}\n`),
  };
  const key = { pyodideVersion: module.version, sourceHash: hashSources(PYTHON_SOURCES) };

  const saved = config.restoreState ?? later;
  const restored = saved
    ? await restoreSaved(parts, module, options, key, saved, await baseOf(key, given, segments))
    : given && segments
      ? await restore(parts, module, options, key, await given, segments)
      : { restored: false as const };
  const fresh = restored.restored ? undefined : await bootFresh(parts, module, options, key, config.makeSnapshot && segments);
  const pyodide = restored.restored ? restored.pyodide : fresh!.pyodide;
  const snapshot = fresh?.snapshot;
  const bootPath: BootInfo['bootPath'] = saved ? 'saved' : restored.restored ? 'snapshot' : 'fresh';
  const base = restored.restored ? restored.base : undefined;
  const interpreter = { ...startRunner(parts, config, pyodide, module.staging), pyodide, packageBaseUrl, base };
  parts.outbox.progress('ready', { fresh: PROGRESS.ready, snapshot: PROGRESS.readyFromSnapshot, saved: PROGRESS.readyFromSaved }[bootPath]);
  const pythonVersion = pyodide.runPython('import sys; sys.version.split()[0]') as string;
  const snapshotRejected = restored.restored ? undefined : restored.rejected;
  const info: BootInfo = {
    pyodideVersion: pyodide.version,
    pythonVersion,
    interruptible: parts.interrupts.fromHost,
    bootPath,
    snapshotRejected,
    snapshot,
    progressEvents: parts.outbox.progressPosted,
    stateKey: key,
  };
  return { interpreter, info: snapshot ? transfer(info, [snapshot.buffer]) : info };
}

/** Restores a snapshot made for this runtime and these Python sources; says why not otherwise. */
async function restore(
  parts: BootParts,
  module: PyodideModule,
  options: LoadOptions,
  key: SnapshotKey,
  bytes: Uint8Array | { rejected: string },
  segments: Promise<DataSegment[]>,
): Promise<{ restored: true; pyodide: PyodideInterface; base?: StateBase } | { restored: false; rejected?: string }> {
  if ('rejected' in bytes) return { restored: false, rejected: bytes.rejected };
  const kept = keptPages(key, bytes);
  if ('rejected' in kept) return { restored: false, rejected: kept.rejected };
  let data: DataSegment[];
  try {
    data = await segments;
  } catch (error) {
    return { restored: false, rejected: `the runtime's wasm could not be read: ${(error as Error)?.message ?? error}` };
  }
  parts.outbox.progress('boot', PROGRESS.restoring);
  const image = loadingImage(imageOf(kept, data), options.createPyodideModule as Parameters<typeof loadingImage>[1]);
  let pyodide: PyodideInterface;
  try {
    pyodide = await parts.stdlib.restore(async () => {
      const restoredPyodide = await module.loadPyodide({ ...options, ...image });
      parts.trampoline.putBack();
      return restoredPyodide;
    });
  } catch (error) {
    return { restored: false, rejected: `restore failed: ${(error as Error)?.message ?? error}` };
  }
  // The file system is not part of a snapshot; lazily imported modules need their files.
  writeSources(pyodide);
  parts.stdlib.holdImports(pyodide, parts.mustStop);
  // Every restore starts from the same random state. (The runner's setup orders sys.path.)
  pyodide.runPython('import random; random.seed()');
  refreshTimeZone(pyodide);
  return { restored: true, pyodide, base: baseFrom(kept, data) };
}

/** The snapshot a save is stored against, when it has an id (older snapshots have none). */
function baseFrom(kept: KeptPages, segments: DataSegment[]): StateBase | undefined {
  return kept.id ? new StateBase(kept as KeptPages & { id: string }, segments) : undefined;
}

/** The base of a boot that restores a saved state (the snapshot it was handed, if it fits this build), and that snapshot's header. */
async function baseOf(
  key: SnapshotKey,
  given: Promise<Uint8Array | { rejected: string }> | undefined,
  segments: Promise<DataSegment[]> | undefined,
): Promise<{ base?: StateBase; header?: Uint8Array }> {
  const bytes = await given;
  if (!bytes || 'rejected' in bytes || !segments) return {};
  const kept = keptPages(key, bytes);
  if ('rejected' in kept) return {};
  const data = await segments.catch(() => []);
  return { base: baseFrom(kept, data), header: imageOf(kept, data).header };
}

/**
 * Starts from a saved interpreter (saved-state.ts) or fails: never a fresh interpreter in its
 * place. Its memory is grown to the saved size before the copy (pyodide#6254). A staged boot's
 * state (a promise) is awaited once Pyodide's module is created (memory-image.ts `loadingLater`):
 * the boot snapshot's header sizes the module meanwhile.
 */
async function restoreSaved(
  parts: BootParts,
  module: PyodideModule,
  options: LoadOptions,
  key: SnapshotKey,
  saved: Uint8Array | { state: Promise<Uint8Array>; waiting(): void },
  { base, header }: { base?: StateBase; header?: Uint8Array },
): Promise<{ restored: true; pyodide: PyodideInterface; base?: StateBase }> {
  let files: SavedInterpreter['files'] = [];
  const unpacked = async (bytes: Uint8Array) => {
    // Checked again inside the boundary, then unpacked: all but its checksum, which the host
    // checked on these very bytes (src/sandbox/session/saved-state.ts `stateForWorker`).
    const state = await unpackState(bytes, key, undefined, false);
    if (state.key.pyodideVersion !== key.pyodideVersion || state.key.sourceHash !== key.sourceHash)
      throw new Error('the saved state was made by another build');
    if (state.base !== null && (!base || state.base !== base.id))
      throw new Error(`it is stored against boot snapshot ${state.base}, and this sandbox has ${base ? `another (${base.id})` : 'none'}`);
    files = state.files;
    parts.outbox.progress('boot', PROGRESS.restoring);
    return { image: savedImage(state, state.base === null ? undefined : base), heapSize: state.heapSize };
  };
  const create = options.createPyodideModule as Parameters<typeof growingTo>[1];
  let loading: ReturnType<typeof loadingImage<{ preRun?: unknown }>>;
  if (saved instanceof Uint8Array) {
    const { image, heapSize } = await unpacked(saved);
    loading = loadingImage(image, growingTo(heapSize, create));
  } else {
    if (!header) throw new Error('a staged restore needs the boot snapshot');
    loading = loadingLater(
      header,
      create,
      async () => {
        saved.waiting();
        return unpacked(await saved.state);
      },
      base,
    );
  }
  const pyodide = await parts.stdlib.restore(async () => {
    const restoredPyodide = await module.loadPyodide({ ...options, ...loading, _snapshotDeserializer: staleReference });
    parts.trampoline.putBack();
    return restoredPyodide;
  });
  writeSources(pyodide);
  writeSavedFiles(pyodide, files);
  parts.stdlib.holdImports(pyodide, parts.mustStop);
  refreshTimeZone(pyodide);
  return { restored: true, pyodide, base };
}

/**
 * A normal boot; with `makeSnapshot` (the wasm's data segments, which the snapshot is stored
 * against), also the snapshot of the interpreter with the runner imported.
 */
async function bootFresh(
  parts: BootParts,
  module: PyodideModule,
  options: LoadOptions,
  key: SnapshotKey,
  makeSnapshot: Promise<DataSegment[]> | false | undefined,
): Promise<{ pyodide: PyodideInterface; snapshot?: Uint8Array }> {
  parts.outbox.progress('boot', PROGRESS.loadingRuntime);
  // Awaited first: from the boot to the snapshot nothing may yield to a JS callback. Unreadable, no snapshot.
  const segments = makeSnapshot ? await makeSnapshot.catch(() => undefined) : undefined;
  const pyodide = await module.loadPyodide({ ...options, _makeSnapshot: !!segments });
  writeSources(pyodide);
  pyodide.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(SANDBOX_PYTHON_DIR)}); import runner`);
  if (!segments) return { pyodide };
  pyodide.runPython('import gc; gc.collect()');
  zeroFreeMemory((pyodide as unknown as { _module: CHeap })._module);
  // Taken before any JS callback reaches Python: a snapshot cannot hold JS objects.
  const snapshot = wrapSnapshot(key, pyodide.makeMemorySnapshot(), segments);
  // While snapshotting, Pyodide's `js` is a recording proxy of globalThis, on which getters
  // such as `self` throw "Illegal invocation"; this interpreter lives on (as the spare), so
  // its `js` becomes globalThis itself, as in every restored one.
  pyodide.registerJsModule('js', globalThis);
  return { pyodide, snapshot };
}

/** The runtime's wasm data segments (src/shared/memory/wasm-data.ts): handed in (Node threads; browsers, in the wasm), read from disk by slices (Node) or as it streams (Deno). */
async function wasmData(config: BootConfig): Promise<DataSegment[]> {
  if (config.dataSegments) return config.dataSegments;
  if (config.runtime) return dataSegments(config.runtime.wasm);
  const url = new URL('pyodide.asm.wasm', config.indexURL).href;
  return isNode ? dataSegments(await localFile(url)) : dataSegmentsOfStream(await localStream(url));
}

/** Installs the sandbox's patches and the cell runner, with the host's limits. */
function startRunner(
  parts: BootParts,
  config: BootConfig,
  pyodide: PyodideInterface,
  staging: StagingFolder | undefined,
): Pick<Interpreter, 'runner' | 'outputBelow' | 'packages'> {
  parts.outbox.progress('boot', PROGRESS.startingRunner);
  const runnerModule = pyodide.pyimport('runner');
  const emit = (stream: string, text: string) => parts.stream({ stream: stream === 'stderr' ? 'stderr' : 'stdout', text });
  const limits = {
    max_output_bytes: config.maxOutputBytes,
    max_file_bytes: config.maxFileBytes,
    max_total_file_bytes: config.maxTotalFileBytes,
    max_images: config.maxImagesPerRun,
    max_files: config.maxFilesPerRun,
    max_charts: config.charts.maxCharts,
    max_chart_chars: config.charts.maxChartChars,
    max_total_chart_chars: config.charts.maxTotalChartChars,
    recursion_limit: config.recursionLimit,
  };
  useLinearPaths((pyodide as unknown as { _module: Parameters<typeof useLinearPaths>[0] })._module);
  const filesChanged = watchFileChanges(pyodide.FS as unknown as WatchedFS);
  const outputBelow = new FdOutput(() => memoryOf(pyodide) as Int8Array, config.maxOutputBytes);
  const runner = runnerModule.setup(emit, JSON.stringify(limits), filesChanged, () => outputBelow.take()) as RunnerProxy;
  runnerModule.destroy();
  const { capture } = runner;
  outputBelow.connect(capture.below_address);
  capture.destroy();
  const packages = new PackageIndex(pyodide, staging, config.packageIndex ? (names) => parts.askIndex(names) : undefined);
  parts.interrupts.listen(pyodide, true);
  return { runner, outputBelow, packages };
}

function writeSources(pyodide: PyodideInterface): void {
  const { FS } = pyodide;
  FS.mkdirTree(SANDBOX_PYTHON_DIR);
  FS.mkdirTree(WORKDIR);
  for (const [name, source] of Object.entries(PYTHON_SOURCES)) FS.writeFile(`${SANDBOX_PYTHON_DIR}/${name}`, source);
}
