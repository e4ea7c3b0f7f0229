/**
 * The engine inside the worker: boots Pyodide, runs cells through the Python runner, and answers
 * file calls. A plain class, so tests can drive it without a worker.
 */
import { transfer } from 'comlink';
import type { PyodideInterface } from 'pyodide';
import type { PyCallable, PyProxy } from 'pyodide/ffi';
import {
  type BootConfig,
  type BootInfo,
  type Bytes,
  type FileTooLarge,
  type HostEvent,
  type PortLike,
  type RestoredFile,
  type RunRequest,
  SIGINT,
  type WorkerApi,
  type WorkerEvent,
  type WorkerRunResult,
} from '../src/protocol.js';
import { PROGRESS } from '../src/progress-messages.js';
import { WORKDIR, defaultPackageBaseUrl } from '../src/pyodide-defaults.js';
import type { FileInfo, LoadProgress, OutputChunk } from '../src/types.js';
import { type WatchedFS, watchFileChanges } from './file-changes.js';
import { DeadlineSignal } from './deadline-signal.js';
import { type CHeap, zeroFreeMemory } from './free-memory.js';
import { StagingFolder, localFile, toLocalPath } from './node-paths.js';
import { FdOutput } from './fd-output.js';
import { type IndexPackages, IndexWaitStopped, PackageIndex } from './packages.js';
import { PYTHON_SOURCES, SANDBOX_PYTHON_DIR } from './python-sources.js';
import { VIRTUAL_INDEX_URL, VIRTUAL_PACKAGE_URL, hideImportScripts, importModule, installRuntimeFetch, routePackagesToHost } from './runtime-fetch.js';
import { type SnapshotKey, hashSources, readSnapshot, unwrapSnapshot, wrapSnapshot } from './snapshot.js';
import { type DataSegment, dataSegments } from './wasm-data.js';
import { LateStdlib } from './late-stdlib.js';
import { TrampolinePick } from './trampoline.js';
import { refreshTimeZone } from './time-zone.js';
import { type ReadableFS, readWorkdirFile } from './workdir-read.js';

/** How often a run waiting for the host's package index looks whether it was stopped (as late-stdlib.ts does). */
const STOP_POLL_MS = 50;

/** What `loadPyodide` is given: the module's own options and the sandbox's. */
type LoadOptions = Record<string, unknown>;
type LoadPyodide = (options: LoadOptions) => Promise<PyodideInterface>;
interface PyodideModule {
  loadPyodide: LoadPyodide;
  version: string;
}

/** A Python object proxy with the runner's methods (see worker/python/runner.py). */
interface RunnerProxy extends PyProxy {
  execute: ((code: string) => string | (PyProxy & PromiseLike<string>)) & Pick<PyCallable, 'callPromising'>;
  cancel(): boolean;
  reset(): void;
  list_files(): string;
  forget_workdir(): void;
  mark_restored(path: string): void;
  /** The run's output capture; only where its flag for output from below is (see fd-output.ts). */
  capture: PyProxy & { below_address: number };
}

export class PyodideEngine implements WorkerApi {
  private pyodide!: PyodideInterface;
  private runner!: RunnerProxy;
  private packages!: PackageIndex;
  private outputBelow!: FdOutput;
  private packageBaseUrl = '';
  /** Node: Pyodide's wheel folder (see node-paths.ts). */
  private staging: StagingFolder | undefined;
  private readonly interruptView: Uint8Array | undefined;
  /** Without a shared buffer: the run's own deadline stands in for it (see deadline-signal.ts). */
  private readonly deadline: DeadlineSignal | undefined;
  private interruptsOn = false;
  private progressPosted = 0;
  /**
   * The current run: how many output chunks it streamed, and, for `cancel`, whether a cancel was
   * asked and how to cancel its pending top-level `await` (a cancel that comes before the `await`
   * is pending, while packages load, is applied once it is).
   */
  private current: { runId: number; chunks: number; cancelRequested: boolean; cancelAwait?: () => boolean } | undefined;
  private readonly packageRequests = new Map<number, { resolve(data: Bytes): void; reject(error: Error): void }>();
  private packageRequestSeq = 0;
  private readonly indexRequests = new Map<number, { resolve(packages: IndexPackages): void; reject(error: Error): void }>();
  /** Ends the current run's wait for the package index, as a stop (see `askIndex`). */
  private stopIndexWait: (() => void) | undefined;
  /** The standard library, which a first visit's boot may get after the rest (see late-stdlib.ts). */
  private readonly stdlib = new LateStdlib();
  /** This runtime's C-call trampoline, put back after a restore (see trampoline.ts). */
  private readonly trampoline = new TrampolinePick();

  constructor(
    private readonly events: PortLike,
    interruptBuffer: SharedArrayBuffer | undefined,
  ) {
    this.interruptView = interruptBuffer ? new Uint8Array(interruptBuffer) : undefined;
    this.deadline = interruptBuffer ? undefined : new DeadlineSignal();
    events.addEventListener('message', (event) => this.onHostEvent(event.data as HostEvent));
    events.start();
  }

  private post(event: WorkerEvent): void {
    this.events.postMessage(event);
  }

  private progress(phase: LoadProgress['phase'], message: string): void {
    this.progressPosted++;
    this.post({ type: 'progress', phase, message });
  }

  private onHostEvent(event: HostEvent): void {
    if (event?.type === 'index-response') {
      const pending = this.indexRequests.get(event.requestId);
      this.indexRequests.delete(event.requestId);
      if (event.error !== undefined || !Array.isArray(event.lock) || !Array.isArray(event.wheels))
        pending?.reject(new Error(event.error ?? 'package index request failed'));
      else pending?.resolve({ lock: event.lock, wheels: event.wheels });
      return;
    }
    if (event?.type !== 'package-response') return;
    const pending = this.packageRequests.get(event.requestId);
    if (!pending) return;
    this.packageRequests.delete(event.requestId);
    if (event.data instanceof Blob || event.data instanceof Uint8Array) pending.resolve(event.data);
    else pending.reject(new Error(event.error ?? 'package request failed'));
  }

  /** Isolated mode: wheels come from the host, which checks them against the lock file. */
  private fetchPackageFromHost(fileName: string): Promise<Bytes> {
    const requestId = ++this.packageRequestSeq;
    return new Promise((resolve, reject) => {
      this.packageRequests.set(requestId, { resolve, reject });
      this.post({ type: 'package-request', requestId, fileName });
    });
  }

  /**
   * Imports neither the lock file nor the interpreter provides, resolved by the host's package
   * index. The wait is stoppable, so a stop keeps the interpreter: a run waiting here runs no
   * Python, so nothing reads the interrupt buffer but this wait (every `STOP_POLL_MS`), and the
   * host's `cancel` ends it too (where there is no buffer).
   */
  private askIndex(names: string[]): Promise<IndexPackages> {
    if (this.current?.cancelRequested) return Promise.reject(new IndexWaitStopped());
    const requestId = ++this.packageRequestSeq;
    return new Promise((resolve, reject) => {
      const settle = () => {
        clearInterval(poll);
        this.indexRequests.delete(requestId);
        if (this.stopIndexWait === stop) this.stopIndexWait = undefined;
      };
      const stop = () => {
        settle();
        reject(new IndexWaitStopped());
      };
      const poll = setInterval(() => {
        if (this.takeInterrupt()) stop();
      }, STOP_POLL_MS);
      this.stopIndexWait = stop;
      this.indexRequests.set(requestId, {
        resolve: (packages) => {
          settle();
          resolve(packages);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      this.post({ type: 'index-request', requestId, names });
    });
  }

  private async loadPyodideModule(config: BootConfig): Promise<PyodideModule & { extra: Record<string, unknown> }> {
    if (!config.runtime) {
      const [module, asm] = await Promise.all([
        import(/* @vite-ignore */ new URL('pyodide.mjs', config.indexURL).href) as Promise<PyodideModule>,
        import(/* @vite-ignore */ new URL('pyodide.asm.mjs', config.indexURL).href) as Promise<{ default: unknown }>,
      ]);
      // Node: wheels come from the host too, which checks each against the lock file (Pyodide
      // checks no hash in Node). The host hands in the lock file's text.
      routePackagesToHost((fileName) => this.fetchPackageFromHost(fileName));
      this.staging = await StagingFolder.create();
      return {
        ...module,
        extra: {
          indexURL: await toLocalPath(config.indexURL),
          createPyodideModule: this.trampoline.wrap(asm.default as Parameters<TrampolinePick['wrap']>[0]),
          packageBaseUrl: VIRTUAL_PACKAGE_URL,
          packageCacheDir: this.staging?.path,
          lockFileURL: config.lockFileURL,
          lockFileContents: config.lockFileContents,
        },
      };
    }
    const { runtime } = config;
    if (runtime.stdlib) this.stdlib.arrive(runtime.stdlib);
    installRuntimeFetch(
      runtime,
      (fileName) => this.fetchPackageFromHost(fileName),
      () => this.stdlib.forPyodide(),
    );
    hideImportScripts();
    const [module, asm] = await Promise.all([importModule<PyodideModule>(runtime.pyodideMjs), importModule<{ default: unknown }>(runtime.asmMjs)]);
    return {
      ...module,
      extra: {
        indexURL: VIRTUAL_INDEX_URL,
        createPyodideModule: this.trampoline.wrap(asm.default as Parameters<TrampolinePick['wrap']>[0]),
        packageBaseUrl: VIRTUAL_PACKAGE_URL,
        lockFileContents: config.lockFileContents ?? runtime.lockFile,
      },
    };
  }

  /**
   * Boots in named steps: load Pyodide's module, restore the given snapshot (if it fits), else
   * boot fresh (making a snapshot if asked), then start the runner.
   */
  async boot(config: BootConfig): Promise<BootInfo> {
    // A Blob snapshot is read while the runtime loads.
    const given = config.snapshot && readSnapshot(config.snapshot);
    // What snapshots are stored against (snapshot.ts), read while the runtime loads too.
    const segments = config.snapshot || config.makeSnapshot ? this.wasmData(config) : undefined;
    segments?.catch(() => undefined);
    const module = await this.loadPyodideModule(config);
    // For messages: the source the user configured (in isolated mode the worker sees a virtual one).
    this.packageBaseUrl = config.packageBaseUrl ?? defaultPackageBaseUrl(module.version);
    const options: LoadOptions = {
      ...module.extra,
      env: { HOME: WORKDIR, MPLBACKEND: 'module://sandbox_mpl_backend' },
      // Output from C code bypasses sys.stdout; send it into the same capture.
      stdout: (line: string) => this.rawOutput('stdout', `${line}\n`),
      stderr: (line: string) => this.rawOutput('stderr', `${line}\n`),
    };
    const key = { pyodideVersion: module.version, sourceHash: hashSources(PYTHON_SOURCES) };

    const restored = given && segments ? await this.restore(module, options, key, await given, segments) : { restored: false as const };
    const snapshot = restored.restored ? undefined : await this.bootFresh(module, options, key, config.makeSnapshot && segments);
    const bootPath: BootInfo['bootPath'] = restored.restored ? 'snapshot' : 'fresh';
    this.startRunner(config);
    this.progress('ready', bootPath === 'snapshot' ? PROGRESS.readyFromSnapshot : PROGRESS.ready);
    const pythonVersion = this.pyodide.runPython('import sys; sys.version.split()[0]') as string;
    const snapshotRejected = restored.restored ? undefined : restored.rejected;
    const info: BootInfo = {
      pyodideVersion: this.pyodide.version,
      pythonVersion,
      interruptible: !!this.interruptView,
      bootPath,
      snapshotRejected,
      snapshot,
      progressEvents: this.progressPosted,
    };
    return snapshot ? transfer(info, [snapshot.buffer]) : info;
  }

  async installStdlib(stdlib: Bytes | { failed: string }): Promise<void> {
    if ('failed' in stdlib) this.stdlib.fail(stdlib.failed);
    else this.stdlib.arrive(stdlib);
    await this.stdlib.whenInstalled();
  }

  /** Restores a snapshot made for this runtime and these Python sources; says why not otherwise. */
  private async restore(
    module: PyodideModule,
    options: LoadOptions,
    key: SnapshotKey,
    bytes: Uint8Array | { rejected: string },
    segments: Promise<DataSegment[]>,
  ): Promise<{ restored: true } | { restored: false; rejected?: string }> {
    if ('rejected' in bytes) return { restored: false, rejected: bytes.rejected };
    let unwrapped: ReturnType<typeof unwrapSnapshot>;
    try {
      unwrapped = unwrapSnapshot(key, bytes, await segments);
    } catch (error) {
      return { restored: false, rejected: `the runtime's wasm could not be read: ${(error as Error)?.message ?? error}` };
    }
    if ('rejected' in unwrapped) return { restored: false, rejected: unwrapped.rejected };
    this.progress('boot', PROGRESS.restoring);
    try {
      this.pyodide = await this.stdlib.restore(async () => {
        const pyodide = await module.loadPyodide({ ...options, _loadSnapshot: unwrapped.body });
        this.trampoline.putBack();
        return pyodide;
      });
    } catch (error) {
      return { restored: false, rejected: `restore failed: ${(error as Error)?.message ?? error}` };
    }
    // The file system is not part of a snapshot; lazily imported modules need their files.
    this.writeSources();
    this.stdlib.holdImports(this.pyodide, () => this.takeInterrupt());
    // Every restore starts from the same random state. (The runner's setup orders sys.path.)
    this.pyodide.runPython('import random; random.seed()');
    refreshTimeZone(this.pyodide);
    return { restored: true };
  }

  /**
   * A normal boot; with `makeSnapshot` (the wasm's data segments, which the snapshot is stored
   * against), returns the snapshot of the interpreter with the runner imported.
   */
  private async bootFresh(
    module: PyodideModule,
    options: LoadOptions,
    key: SnapshotKey,
    makeSnapshot: Promise<DataSegment[]> | false | undefined,
  ): Promise<Uint8Array | undefined> {
    this.progress('boot', PROGRESS.loadingRuntime);
    // Awaited first: from the boot to the snapshot nothing may yield to a JS callback. Unreadable, no snapshot.
    const segments = makeSnapshot ? await makeSnapshot.catch(() => undefined) : undefined;
    this.pyodide = await module.loadPyodide({ ...options, _makeSnapshot: !!segments });
    this.writeSources();
    this.pyodide.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(SANDBOX_PYTHON_DIR)}); import runner`);
    if (!segments) return undefined;
    this.pyodide.runPython('import gc; gc.collect()');
    zeroFreeMemory((this.pyodide as unknown as { _module: CHeap })._module);
    // Taken before any JS callback reaches Python: a snapshot cannot hold JS objects.
    const snapshot = wrapSnapshot(key, this.pyodide.makeMemorySnapshot(), segments);
    // While snapshotting, Pyodide's `js` is a recording proxy of globalThis, on which getters
    // such as `self` throw "Illegal invocation"; this interpreter lives on (as the spare), so
    // its `js` becomes globalThis itself, as in every restored one.
    this.pyodide.registerJsModule('js', globalThis);
    return snapshot;
  }

  /** The runtime's wasm data segments (wasm-data.ts): handed in (browsers) or read from disk (Node). */
  private async wasmData(config: BootConfig): Promise<DataSegment[]> {
    return dataSegments(config.runtime?.wasm ?? (await localFile(new URL('pyodide.asm.wasm', config.indexURL).href)));
  }

  /** Installs the sandbox's patches and the cell runner, with the host's limits. */
  private startRunner(config: BootConfig): void {
    this.progress('boot', PROGRESS.startingRunner);
    const runnerModule = this.pyodide.pyimport('runner');
    const emit = (stream: string, text: string) => this.stream({ stream: stream === 'stderr' ? 'stderr' : 'stdout', text });
    const limits = {
      max_output_bytes: config.maxOutputBytes,
      max_file_bytes: config.maxFileBytes,
      max_total_file_bytes: config.maxTotalFileBytes,
      max_images: config.maxImagesPerRun,
      max_files: config.maxFilesPerRun,
      recursion_limit: config.recursionLimit,
    };
    const filesChanged = watchFileChanges(this.pyodide.FS as unknown as WatchedFS);
    const outputBelow = new FdOutput(() => this.memory() as Int8Array, config.maxOutputBytes);
    this.runner = runnerModule.setup(emit, JSON.stringify(limits), filesChanged, () => outputBelow.take()) as RunnerProxy;
    runnerModule.destroy();
    const { capture } = this.runner;
    outputBelow.connect(capture.below_address);
    capture.destroy();
    this.outputBelow = outputBelow;
    this.packages = new PackageIndex(this.pyodide, this.staging, config.packageIndex ? (names) => this.askIndex(names) : undefined);
    this.listenForInterrupts(true);
  }

  private writeSources(): void {
    const { FS } = this.pyodide;
    FS.mkdirTree(SANDBOX_PYTHON_DIR);
    FS.mkdirTree(WORKDIR);
    for (const [name, source] of Object.entries(PYTHON_SOURCES)) FS.writeFile(`${SANDBOX_PYTHON_DIR}/${name}`, source);
  }

  async run(request: RunRequest): Promise<WorkerRunResult> {
    const current = { runId: request.runId, chunks: 0, cancelRequested: false };
    this.current = current;
    this.outputBelow.begin();
    this.post({ type: 'run-started', runId: request.runId });
    this.clearInterrupt();
    // Code that may await is stopped by the host's cancel, as with a shared buffer: a SIGINT would
    // strike the event loop's own code between the task's steps (see `execute`).
    this.deadline?.arm(mayAwait(request.code) ? undefined : request.timeoutMs);
    try {
      const result = await this.execute(request);
      return { ...result, streamedChunks: current.chunks, heapBytes: this.heapBytes() };
    } finally {
      this.deadline?.disarm();
      this.current = undefined;
      this.listenForInterrupts(true);
    }
  }

  private heapBytes(): number {
    return this.memory()?.length ?? 0;
  }

  /** Python's WebAssembly memory as it is now (a new view after each growth). */
  private memory(): Int8Array | undefined {
    return (this.pyodide as unknown as { _module?: { HEAP8?: Int8Array } })._module?.HEAP8;
  }

  private async execute(request: RunRequest): Promise<Omit<WorkerRunResult, 'streamedChunks' | 'heapBytes'>> {
    const { code } = request;
    let mode: 'sync' | 'promising';
    try {
      // Top-level await, or a package's loader, would reach the standard library where Python cannot wait for it.
      mode = await this.stdlib.runMode(() => mayAwait(code) || this.packages.mayLoadFor(code));
    } catch (error) {
      return this.failBeforeRun('ImportError', `Python's standard library could not be loaded: ${(error as Error)?.message ?? error}`);
    }
    const failure = await this.packages.loadFor(code, (p) => this.progress(p.phase, p.message), this.packageBaseUrl);
    if (failure?.interrupted) return { ...this.failBeforeRun(failure.name ?? 'KeyboardInterrupt', failure.message), status: 'interrupted' };
    if (failure) return this.failBeforeRun(failure.name ?? 'PackageLoadError', failure.message);
    try {
      const started =
        mode === 'promising' ? ((await this.runner.execute.callPromising(code)) as ReturnType<RunnerProxy['execute']>) : this.runner.execute(code);
      if (typeof started === 'string') return JSON.parse(started) as WorkerRunResult;
      // Top-level await: the task runs on Pyodide's event loop, leaving this worker free to take `cancel`.
      const current = this.current!;
      current.cancelAwait = () => {
        // The run now ends through CancelledError. A SIGINT (the host re-sends them until the run
        // ends) would strike the event loop's own code between the task's steps and leave the
        // task unfinished, so interrupts are off until the run is over.
        this.listenForInterrupts(false);
        return this.runner.cancel();
      };
      if (current.cancelRequested) current.cancelAwait();
      // Awaiting a PyProxy future consumes (destroys) the proxy.
      return JSON.parse(await started) as WorkerRunResult;
    } catch (error) {
      return this.fatal(error);
    }
  }

  /** A run that failed before its code started: the error is its only output. */
  private failBeforeRun(name: string, message: string): Omit<WorkerRunResult, 'streamedChunks' | 'heapBytes'> {
    const text = `${name}: ${message}\n`;
    this.stream({ stream: 'stderr', text });
    return { status: 'error', output: text, stdout: '', stderr: text, error: { name, message, traceback: text }, images: [], files: [] };
  }

  /** Output from below Python's `sys.stdout` (see fd-output.ts); outside a run it has nowhere to go. */
  private rawOutput(stream: 'stdout' | 'stderr', text: string): void {
    if (this.current) this.outputBelow.write({ stream, text }, (chunk) => this.stream(chunk));
  }

  private stream(chunk: OutputChunk): void {
    if (!this.current) return;
    this.current.chunks++;
    this.post({ type: 'output', runId: this.current.runId, stream: chunk.stream, text: chunk.text });
  }

  cancel(runId: number): boolean {
    if (this.current?.runId !== runId) return false;
    this.current.cancelRequested = true;
    if (this.stopIndexWait) {
      this.stopIndexWait();
      return true;
    }
    return this.current.cancelAwait?.() ?? false;
  }

  /**
   * The host writes SIGINT repeatedly until a stopped run ends, so one may land after it: every
   * call clears the buffer before running Python, or the stray interrupt would hit sandbox code.
   */
  private clearInterrupt(): void {
    if (this.interruptView) Atomics.store(this.interruptView, 0, 0);
  }

  /** Whether the run must stop: the host asked (a SIGINT in the buffer, cleared here), or its deadline passed. */
  private takeInterrupt(): boolean {
    if (this.interruptView) return Atomics.exchange(this.interruptView, 0, 0) === SIGINT;
    return !!this.deadline?.passed;
  }

  /** Clears the interrupt buffer and connects it (or the deadline in its place) to Python, or disconnects it. */
  private listenForInterrupts(on: boolean): void {
    this.clearInterrupt();
    // Only on a change: after os._exit() any call into Pyodide throws.
    if (this.interruptsOn === on) return;
    this.interruptsOn = on;
    // Pyodide reads only `[0]` of the buffer it is given (and writes 0 back): the deadline answers that.
    const buffer = (this.interruptView ?? this.deadline) as Uint8Array;
    this.pyodide.setInterruptBuffer(on ? buffer : (undefined as unknown as Uint8Array));
  }

  reset(): void {
    this.clearInterrupt();
    this.runner.reset();
  }

  writeFile(path: string, data: Uint8Array): void {
    this.writeFiles([{ path, data, restored: false }]);
  }

  writeFiles(files: RestoredFile[]): void {
    this.clearInterrupt();
    for (const { path, data, restored } of files) {
      const full = `${WORKDIR}/${path}`;
      this.pyodide.FS.mkdirTree(full.slice(0, full.lastIndexOf('/')));
      this.pyodide.FS.writeFile(full, data);
      if (restored === true) this.runner.mark_restored(full);
    }
    this.runner.forget_workdir();
    if (files.some(({ path }) => path.endsWith('.py'))) this.pyodide.runPython('import importlib; importlib.invalidate_caches()');
  }

  readFile(path: string, maxBytes?: number): Uint8Array | FileTooLarge {
    const answer = readWorkdirFile(this.pyodide.FS as unknown as ReadableFS, `${WORKDIR}/${path}`, maxBytes);
    // The bytes are a copy of the file already: handed over, not copied again.
    return answer instanceof Uint8Array ? transfer(answer, [answer.buffer]) : answer;
  }

  listFiles(): FileInfo[] {
    this.clearInterrupt();
    return JSON.parse(this.runner.list_files()) as FileInfo[];
  }

  /**
   * Errors that escape the runner come from the engine, not from user code: a C stack overflow,
   * `os._exit`, an aborted runtime. If the interpreter no longer answers, say it is fatal.
   */
  private fatal(error: unknown): Omit<WorkerRunResult, 'streamedChunks' | 'heapBytes'> {
    const err = error as { name?: string; message?: string; constructor?: { name?: string } };
    const kind = err?.name ?? err?.constructor?.name ?? 'Error';
    let alive = true;
    try {
      this.pyodide.runPython('None');
    } catch {
      alive = false;
    }
    let name = kind;
    let message = err?.message ?? String(error);
    if (kind === 'Exit' || /exit\(/i.test(message)) {
      name = 'SystemExit';
      message = `Python exited (${message.replace(/^Program terminated with /, '')}); os._exit() ends the interpreter`;
    } else if (/call stack/i.test(message)) {
      name = 'RecursionError';
      message = 'The interpreter crashed: C stack overflow (Maximum call stack size exceeded), usually from very deeply nested data or recursion in C code';
    }
    const text = `${name}: ${message}\n`;
    // No walk: nothing is known removed yet (alive, the next run's walk reports what this one changed).
    return {
      status: alive ? 'error' : 'fatal',
      output: text,
      stdout: '',
      stderr: text,
      error: { name, message, traceback: text },
      images: [],
      files: [],
      ...(alive && { removedFiles: [] }),
    };
  }
}

/** Whether `code` may use top-level `await` (the runner's own test: worker/python/runner.py). */
function mayAwait(code: string): boolean {
  return code.includes('await') || code.includes('async');
}
