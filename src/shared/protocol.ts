/**
 * The one contract between the sandbox handle (main thread) and the worker.
 * Types only: both sides import it with `import type`.
 *
 * Three channels, all set up by the init message:
 * - `rpc`: host → worker calls (`WorkerApi`, over comlink's `wrap`/`expose`). The host exposes
 *   nothing over it, so the untrusted side can only answer calls; answers are validated. In the
 *   isolation frame, calls come on a port of their own (`WorkerInit.calls`).
 * - `events`: worker → host notifications (`WorkerEvent`) and the host's replies (`HostEvent`);
 *   plain messages, each validated by the host.
 * - the interrupt buffer (SharedArrayBuffer), where the runtime allows it.
 */
import type { Endpoint } from 'comlink';
import type { DataSegment } from './memory/wasm-data.js';
import type { ChartLimits, FileInfo, LoadProgress, PyodideSource, RunResult } from './types.js';

/** Everything the worker needs to boot. Plain data (structured-clone safe). */
export interface BootConfig extends PyodideSource {
  /** Resolved: never undefined by the time it reaches the worker. */
  indexURL: string;
  recursionLimit: number;
  maxOutputBytes: number;
  maxFileBytes: number;
  maxTotalFileBytes: number;
  /** Images one run returns at most (`MAX_IMAGES_PER_RUN`). */
  maxImagesPerRun: number;
  /** Working-directory files one run looks at and returns at most (`MAX_FILES_PER_RUN`). */
  maxFilesPerRun: number;
  /** What charts one run returns at most (`CHART_LIMITS`). */
  charts: ChartLimits;
  /** A memory snapshot from an earlier boot (see worker/snapshots/snapshot.ts); validated before use. */
  snapshot?: SnapshotData;
  /** Node worker threads: the runtime's wasm, compiled once by the host (src/sandbox/runtime/thread-shared.ts). */
  wasmModule?: WebAssembly.Module;
  /** Node worker threads: the runtime's wasm data segments, read once by the host (thread-shared.ts). */
  dataSegments?: DataSegment[];
  /** Boot fresh with snapshotting enabled and return a new snapshot in `BootInfo.snapshot`. */
  makeSnapshot: boolean;
  /**
   * A saved interpreter to start from instead (see worker/snapshots/saved-state.ts): unpacked by
   * the host (Node), or packed (browsers: the worker checks and unpacks it, src/shared/memory/saved-state-format.ts);
   * the host checked its bytes either way.
   */
  restoreState?: Uint8Array;
  /**
   * A staged boot: a saved interpreter is restored, handed in later (`WorkerApi.restoreStaged`).
   * Pyodide is loaded and its module created meanwhile, so a restore that finds a staged worker
   * waits only for its state to be unpacked and written (src/sandbox/session/interpreters.ts).
   */
  restoreLater?: boolean;
  /**
   * Isolated mode: the runtime's bytes, fetched by the host. The worker then fetches nothing;
   * wheels are asked of the host (`package-request`), which serves lock-file entries only.
   */
  runtime?: RuntimeFiles;
  /** Whether imports the lock file does not provide are asked of the host's package index (`index-request`). */
  packageIndex: boolean;
}

/**
 * Bytes handed to a worker: a Blob where the worker can read Blobs, bytes where it cannot.
 * Browsers pass Blobs: a Blob crosses into the worker (and the isolation frame's process) as a
 * handle, where megabytes of bytes would be copied on the way. WebKit's isolated worker (a data:
 * worker, see isolation-frame.ts) cannot read a Blob, so the host reads them for it and transfers
 * the bytes (`blobs-to-bytes.ts`); Node copies bytes within the process.
 */
export type Bytes = Blob | Uint8Array<ArrayBuffer>;

/**
 * Snapshot bytes (see `Bytes`), (Node) a gzipped snapshot file that the worker reads itself, or
 * (Node worker threads) the bytes in memory the process's threads share (src/sandbox/runtime/thread-shared.ts).
 */
export type SnapshotData = Bytes | SnapshotFile | Uint8Array<SharedArrayBuffer>;

/**
 * A gzipped snapshot on disk (Node), as a file: URL inside the runtime's folder: the worker reads
 * it itself, so its megabytes never cross to the worker, nor, as base64 text, a Deno process's pipe.
 */
export interface SnapshotFile {
  gzippedFile: string;
}

/** Pyodide's runtime files, as handed to an isolated worker (see `Bytes`). */
export interface RuntimeFiles {
  pyodideMjs: Bytes;
  asmMjs: Bytes;
  wasm: Bytes;
  /**
   * The standard library. Absent while a first visit still downloads it (it comes last): the
   * worker restores a snapshot without it, and `WorkerApi.installStdlib` brings it.
   */
  stdlib?: Bytes;
  lockFile: string;
}

/** What the host writes into the interrupt buffer to stop a run: Python's signal number for KeyboardInterrupt. */
export const SIGINT = 2;

/**
 * One end of a channel as both sides use it: what a browser MessagePort and a Node worker_threads
 * MessagePort both offer, so neither needs a cast. (The calls channel is comlink's `Endpoint`.)
 */
export interface PortLike {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  start(): void;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

/** The first message a worker receives, from the host or from the isolation frame. */
export interface WorkerInit {
  type: 'init';
  rpc: Endpoint;
  /**
   * Given by the isolation frame: where calls come from (straight from the page), while answers
   * go on `rpc` (through the frame's gate). Absent elsewhere: calls come on `rpc`.
   */
  calls?: MessagePort;
  events: PortLike;
  interruptBuffer?: SharedArrayBuffer;
}

/**
 * A Node worker thread's `workerData`: a thread started ahead of its sandbox
 * (src/sandbox/isolation/thread-ahead.ts) imports Pyodide's JavaScript from `indexURL` while it waits.
 */
export interface WorkerStartData {
  indexURL?: string;
}

/** A top-level import name as the worker may ask the package index for it (a Python identifier, bounded). */
export const IMPORT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

/** Imports one `index-request` may name (an honest worker names those of one cell). */
export const MAX_INDEX_NAMES_PER_REQUEST = 16;

/** Worker → host, on the events port. */
export type WorkerEvent =
  /** Sent as soon as the worker takes run `runId`: a worker that never does is silent or gone. */
  | { type: 'run-started'; runId: number }
  | { type: 'output'; runId: number; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'progress'; phase: LoadProgress['phase']; message: string }
  | { type: 'package-request'; requestId: number; fileName: string }
  /** Top-level imports that neither the lock file nor the interpreter provides, for the package index. */
  | {
      type: 'index-request';
      requestId: number;
      names: string[];
      /** Set by the host's check, never taken from the worker: why the request does not fit (it is answered with this, not dropped). */
      refused?: string;
    }
  /** Python awaits `default_api.<name>(...)`: `args` is a JSON object's text. */
  | {
      type: 'function-call';
      runId: number;
      callId: number;
      name: string;
      args: string;
      /** Set by the host's check, never taken from the worker (as for `index-request`). */
      refused?: string;
    };

/** Host → worker, on the events port. */
export type HostEvent = PackageResponse | IndexResponse | FunctionResult;

export interface PackageResponse {
  type: 'package-response';
  requestId: number;
  /** The wheel (see `Bytes`). A Blob crosses as a handle: one download serves every request without a copy. */
  data?: Bytes;
  error?: string;
}

/** What to load for an `index-request`: lock-file package names and index wheels (file names to fetch), or why not. */
export interface IndexResponse {
  type: 'index-response';
  requestId: number;
  lock?: string[];
  wheels?: string[];
  error?: string;
}

export interface BootInfo {
  pyodideVersion: string;
  pythonVersion: string;
  /** Whether the SharedArrayBuffer interrupt buffer is installed. */
  interruptible: boolean;
  /**
   * Without the buffer: whether runs yield to the worker now and then (JSPI: worker/stops/yielding-stops.ts),
   * so a stop from outside (a cancel) keeps the interpreter.
   */
  yieldsForStops?: boolean;
  /** `snapshot`: restored from the given snapshot; `fresh`: a full boot. */
  bootPath: 'snapshot' | 'fresh' | 'saved';
  /** Why a given snapshot was not used (stale version, corrupt bytes, restore failure). */
  snapshotRejected?: string;
  /** A new snapshot, when `makeSnapshot` was asked. */
  snapshot?: Uint8Array;
  /** How many progress events the worker posted before this answer (they travel apart from it). */
  progressEvents: number;
  /** What a saved interpreter must have been made with to restore here (`SavedInterpreter.key`). */
  stateKey?: SavedInterpreter['key'];
}

/**
 * A live interpreter as a save takes it and a restore gives it back, unpacked
 * (src/shared/memory/saved-state-format.ts packs it): Pyodide's memory snapshot as its header and the wasm
 * memory's 4 KiB pages kept, with the working directory's files.
 */
export interface SavedInterpreter {
  /** The Pyodide build and the sandbox's Python sources it was made with: a restore needs the same. */
  key: { pyodideVersion: string; sourceHash: string };
  /** The id of the boot snapshot the memory is stored against (worker/snapshots/state-base.ts), or null: the memory as it is. A restore needs that snapshot. */
  base: string | null;
  /** Pyodide's snapshot header (what precedes the wasm memory in its snapshot). */
  header: Uint8Array;
  /** The wasm memory's length. */
  memoryBytes: number;
  /** One bit per 4 KiB page of the wasm memory, set for the pages kept; the others are zeros, or with a `base` as the base has them. */
  pageMap: Uint8Array;
  /** The kept pages, in order; with a `base`, each XORed with the base's. */
  pages: Uint8Array;
  /** The wasm memory's size at the save: the restore grows to it first. */
  heapSize: number;
  /** The working directory's files (they live outside the wasm memory). */
  files: { path: string; data: Uint8Array }[];
}

export interface RunRequest {
  runId: number;
  code: string;
  /**
   * The run's deadline, from when the worker takes it. A worker without the interrupt buffer
   * raises KeyboardInterrupt itself once it passes (worker/stops/deadline-signal.ts); the host's own
   * deadline, a little earlier, still decides the outcome and terminates after the grace.
   */
  timeoutMs?: number;
  /**
   * Whether the code may use top-level `await` (decided once, by the host: `mayAwait` in
   * src/sandbox/runs/run-stopper.ts). Only such code is compiled with top-level await and run where it
   * can wait; it is stopped by the host's cancel, never by a KeyboardInterrupt at its deadline.
   */
  mayAwait: boolean;
  /** The page's functions Python may call in this run (`default_api`): names and positional parameter order. */
  functions?: FunctionSpec[];
}

/** A `RunOptions.functions` entry as the worker knows it: no handler, no schema. */
export interface FunctionSpec {
  name: string;
  /** The schema's `properties` in order: where positional arguments go. */
  params: string[];
  description?: string;
}

/** The host's answer to a `function-call`. */
export interface FunctionResult {
  type: 'function-result';
  callId: number;
  /** Written with `functionAnswer`, and handed to Python as it is. */
  answer: string;
}

/**
 * A call's answer as Python reads it (worker/python/default_api.py `_decode`), the same text on
 * every path it takes: the host writes it, and the worker hands it on untouched whether Python
 * awaits it, waits in place (JSPI) or waits with the thread blocked (Node 22's port, WebKit's
 * answer relay through a shared buffer). One letter, then its text: the value is decoded once,
 * in Python, not JSON around JSON.
 */
export const functionAnswer = {
  /** The handler's value as JSON (undefined: Python gets `None`). */
  result: (json: string | undefined): string => (json === undefined ? 'n' : `r${json}`),
  /** Why the call failed: Python raises `FunctionCallError` with it. */
  error: (message: string): string => `e${message}`,
  /** The run was stopped while the call was pending: a call waited for in place raises KeyboardInterrupt, an awaited one's task is cancelled. */
  stopped: 's',
  /** Whether `answer` says the call failed (a cut one stays an error). */
  isError: (answer: string): boolean => answer.startsWith('e'),
} as const;

/** What the worker returns for a run: `RunResult`'s content, without what the handle adds (`outcome`, `stateLost`, `durationMs`). */
export interface WorkerRunResult extends Pick<RunResult, 'output' | 'stdout' | 'stderr' | 'error' | 'result' | 'images' | 'charts' | 'files'> {
  /** `ok`, `error` (the code raised), `interrupted` (KeyboardInterrupt or a cancelled await), `fatal` (the interpreter is unusable). */
  status: 'ok' | 'error' | 'interrupted' | 'fatal';
  /**
   * How many chunks were streamed to `onOutput`. Streamed chunks travel on their own port, so they
   * can arrive after the result; the host waits for this many before resolving the run.
   */
  streamedChunks: number;
  /** The interpreter's WebAssembly memory after the run (it never shrinks). */
  heapBytes: number;
  /** Paths the run deleted from the working directory; absent when it cannot tell (too many files). */
  removedFiles?: string[];
}

/** A file written back into a replacement interpreter. */
export interface RestoredFile {
  path: string;
  data: Uint8Array;
  /** A run wrote it (not the host): data to the new interpreter until a cell writes it again. */
  restored: boolean;
}

/** The worker's API, exposed with comlink on the `rpc` port. */
export interface WorkerApi {
  boot(config: BootConfig): Promise<BootInfo>;
  /** Resolves once a staged boot (`BootConfig.restoreLater`) waits for its saved state. */
  whenStaged(): Promise<void>;
  /** A staged boot's saved state: its `boot` answers once it is restored. */
  restoreStaged(state: Uint8Array): void;
  /**
   * The standard library, when the boot config came without it (or why it will not come); may come
   * before, during or after `boot`. Resolves once Python can import from it. Runs may start before:
   * an import from it waits inside the run (worker/boot/late-stdlib.ts).
   */
  installStdlib(stdlib: Bytes | { failed: string }): Promise<void>;
  run(request: RunRequest): Promise<WorkerRunResult>;
  /**
   * Cancels the awaiting asyncio task of run `runId`, if that run is still going (no-op otherwise).
   * True when a pending top-level `await` is now being cancelled, so the run will end shortly.
   */
  cancel(runId: number): boolean;
  reset(): void;
  writeFile(path: string, data: Uint8Array): void;
  /**
   * Writes a replacement interpreter's working directory in one call. A file marked `restored` is
   * not imported until a cell writes it (worker/python/restored.py).
   */
  writeFiles(files: RestoredFile[]): void;
  /** A regular file's bytes, or only its size when it has more than `maxBytes` (nothing is copied). */
  readFile(path: string, maxBytes?: number): Uint8Array | FileTooLarge;
  listFiles(): FileInfo[];
  /**
   * The interpreter between runs, packed here (src/shared/memory/saved-state-format.ts), so the bytes leave the
   * worker compressed, as one transferred buffer of at most `maxPackedBytes`. Throws naming a
   * loaded compiled package, which cannot be saved, or a state over the bound. `givesWay`: an idle
   * save that `giveWay()` stops (throwing) once the memory is copied, at its next pause.
   */
  saveState(maxPackedBytes: number, givesWay?: boolean): Promise<Uint8Array>;
  /** A run waits behind the save going (begun with `givesWay`): it stops at its next pause. No-op otherwise. */
  giveWay(): void;
}

/** `readFile`'s answer for a file over its `maxBytes`. */
export interface FileTooLarge {
  tooLarge: true;
  size: number;
}
