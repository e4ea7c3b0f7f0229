/**
 * The one contract between the sandbox handle (main thread) and the worker.
 * Types only: both sides import it with `import type`. Calls cross over comlink.
 */
import type { FileInfo, FileOutput, ImageOutput, LoadProgress, OutputChunk, PythonErrorInfo, PyodideSource } from './types.js';

/** Everything the worker needs to boot. Plain data (structured-clone safe). */
export interface BootConfig extends PyodideSource {
  /** Resolved: never undefined by the time it reaches the worker. */
  indexURL: string;
  recursionLimit: number;
  maxOutputBytes: number;
  maxFileBytes: number;
  maxTotalFileBytes: number;
  /** A memory snapshot from an earlier boot (see worker/snapshot.ts); validated before use. */
  snapshot?: Uint8Array;
  /** Boot fresh with snapshotting enabled and return a new snapshot in `BootInfo.snapshot`. */
  makeSnapshot: boolean;
}

export interface BootInfo {
  pyodideVersion: string;
  pythonVersion: string;
  /** Whether the SharedArrayBuffer interrupt buffer is installed. */
  interruptible: boolean;
  /** `snapshot`: restored from the given snapshot; `fresh`: a full boot. */
  bootPath: 'snapshot' | 'fresh';
  /** Why a given snapshot was not used (stale version, corrupt bytes, restore failure). */
  snapshotRejected?: string;
  /** A new snapshot, when `makeSnapshot` was asked. */
  snapshot?: Uint8Array;
}

export interface RunRequest {
  runId: number;
  code: string;
}

/** What the worker returns for a run; the handle adds `stateLost` and `durationMs`. */
export interface WorkerRunResult {
  /** `ok`, `error` (the code raised), `interrupted` (KeyboardInterrupt or a cancelled await), `fatal` (the interpreter is unusable). */
  status: 'ok' | 'error' | 'interrupted' | 'fatal';
  output: string;
  stdout: string;
  stderr: string;
  error?: PythonErrorInfo;
  result?: string;
  images: ImageOutput[];
  files: FileOutput[];
  /**
   * How many chunks were streamed to `onOutput`. Streamed chunks travel on their own port, so they
   * can arrive after the result; the host waits for this many before resolving the run.
   */
  streamedChunks: number;
}

/** The worker's API, exposed with comlink. */
export interface WorkerApi {
  boot(config: BootConfig, interruptBuffer: SharedArrayBuffer | undefined, onProgress: (p: LoadProgress) => void): Promise<BootInfo>;
  run(request: RunRequest, onOutput: (chunk: OutputChunk) => void, onProgress: (p: LoadProgress) => void): Promise<WorkerRunResult>;
  /** Cancels the awaiting asyncio task of run `runId`, if that run is still going (no-op otherwise). */
  cancel(runId: number): void;
  reset(): void;
  writeFile(path: string, data: Uint8Array): void;
  readFile(path: string): Uint8Array;
  listFiles(): FileInfo[];
}
