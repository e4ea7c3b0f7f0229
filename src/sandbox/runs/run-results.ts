/**
 * How a run's ending becomes a `RunResult`: a worker's answer, or an interpreter that was lost
 * (killed after a deadline, crashed, exited). The messages tell the model whether its variables
 * survived.
 */
import type { WorkerRunResult } from '../../shared/protocol.js';
import type { OutputChunk, PythonErrorInfo, RunResult } from '../../shared/types.js';

/** Why the host stopped a run. */
export type StopReason = 'timeout' | 'interrupt';

/** The account of variables after a replacement: today none are kept. */
const GONE = '; variables from earlier runs are gone.';

/**
 * What a replacement kept (a restart point restored, see session/restart-point.ts): `restarted`
 * ends the sentence "the interpreter was restarted…".
 */
export interface Kept {
  stateLost: boolean;
  restarted: string;
}

/** A worker's answer as a result (the host adds `stateLost` and `durationMs`). */
export function fromWorker(r: WorkerRunResult, stopReason: StopReason | undefined, timeoutMs: number): Omit<RunResult, 'stateLost' | 'durationMs'> {
  // The charts were checked when the answer came (withCheckedCharts).
  const base = { output: r.output, stdout: r.stdout, stderr: r.stderr, result: r.result, images: r.images, charts: r.charts, files: r.files };
  if (r.status === 'ok') return { ...base, outcome: 'OUTCOME_OK' };
  if (r.status === 'interrupted' && stopReason) {
    // The KeyboardInterrupt traceback shows where the code was; the note says why it stopped.
    const error = stopReason === 'timeout' ? timeoutError(timeoutMs, false) : interruptedError(false);
    return {
      ...withNote(base, error),
      outcome: stopReason === 'timeout' ? 'OUTCOME_DEADLINE_EXCEEDED' : 'OUTCOME_FAILED',
      error: { ...error, traceback: r.error?.traceback ?? '' },
    };
  }
  return { ...base, outcome: 'OUTCOME_FAILED', error: r.error };
}

/** What is known of a run whose interpreter was lost. */
export interface LostRun {
  /** What the worker said before dying, if anything. */
  fatal?: WorkerRunResult;
  /** What was streamed, the output when the worker said nothing. */
  streamed: OutputChunk[];
  stopReason?: StopReason;
  timeoutMs: number;
  durationMs: number;
  /** Why the worker is gone, when it did not say. */
  crash?: string;
  /** What became of the working directory's files (one sentence). */
  filesNote: string;
  /** What the replacement kept, if it restored a restart point. */
  kept?: Kept;
}

/** A run whose interpreter was lost, as a result. */
export function lostRun({ fatal, streamed, stopReason, timeoutMs, durationMs, crash, filesNote, kept }: LostRun): RunResult {
  const output = { ...(fatal ?? joinChunks(streamed)), charts: fatal?.charts ?? [] };
  const restarted = kept?.restarted ?? GONE;
  let error: PythonErrorInfo;
  if (stopReason === 'timeout') error = timeoutError(timeoutMs, true, restarted);
  else if (stopReason === 'interrupt') error = interruptedError(true, restarted);
  else if (fatal?.error) error = { ...fatal.error, message: `${fatal.error.message}. The interpreter was restarted${restarted}` };
  else error = { name: 'SandboxCrash', message: `The Python worker stopped (${crash ?? 'unknown reason'}). It was restarted${restarted}`, traceback: '' };
  error = { ...error, message: `${error.message} ${filesNote}` };
  return {
    outcome: stopReason === 'timeout' ? 'OUTCOME_DEADLINE_EXCEEDED' : 'OUTCOME_FAILED',
    ...withNote(output, error),
    error,
    images: fatal?.images ?? [],
    charts: output.charts,
    files: fatal?.files ?? [],
    stateLost: kept?.stateLost ?? true,
    durationMs,
  };
}

/** A run stopped while it waited for an interpreter: it never started. */
export function interruptedBeforeStart(stateLost: boolean, durationMs: number): RunResult {
  const error = { ...interruptedError(false), message: 'Execution was interrupted before it started.' };
  return { outcome: 'OUTCOME_FAILED', output: '', stdout: '', stderr: '', error, images: [], charts: [], files: [], stateLost, durationMs };
}

/** A finished run whose interpreter holds more memory than allowed, and was replaced for it. */
export function overMemory(result: RunResult, heapBytes: number, maxMemoryBytes: number, filesNote: string, kept?: Kept): RunResult {
  const how = kept ? `it was restarted to free it,${kept.restarted}` : 'it was restarted to free it: variables are gone.';
  const note = `\n[the interpreter holds ${formatMiB(heapBytes)} of memory, over limits.maxMemoryBytes (${formatMiB(maxMemoryBytes)}); ${how} ${filesNote}]\n`;
  return { ...result, output: result.output + note, stderr: result.stderr + note, stateLost: kept?.stateLost ?? true };
}

/** `account`: the end of "the interpreter was restarted…" when `replaced` (a restart point's, or that none is kept). */
export function timeoutError(timeoutMs: number, replaced: boolean, account = GONE): PythonErrorInfo {
  const how = replaced ? ` Python did not stop when interrupted, so the interpreter was restarted${account}` : ' Variables are kept.';
  return { name: 'TimeoutError', message: `Execution exceeded the time limit of ${formatDuration(timeoutMs)}.${how}`, traceback: '' };
}

export function interruptedError(replaced: boolean, account = GONE): PythonErrorInfo {
  const how = replaced ? ` The interpreter was restarted${account}` : ' Variables are kept.';
  return { name: 'KeyboardInterrupt', message: `Execution was interrupted.${how}`, traceback: '' };
}

function formatMiB(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MiB`;
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Ends the output with the error's one-line account, so whoever reads only the output (a model, a UI) learns it too. */
function withNote<T extends { output: string; stderr: string }>(fields: T, error: PythonErrorInfo): T {
  const line = `[${error.name}: ${error.message}]\n`;
  const sep = (text: string) => (text && !text.endsWith('\n') ? '\n' : '');
  return { ...fields, output: fields.output + sep(fields.output) + line, stderr: fields.stderr + sep(fields.stderr) + line };
}

/** Streamed chunks as the result's three output fields (the worker capped them already). */
export function joinChunks(chunks: OutputChunk[]): { output: string; stdout: string; stderr: string } {
  let output = '';
  let stdout = '';
  let stderr = '';
  for (const { stream, text } of chunks) {
    output += text;
    if (stream === 'stdout') stdout += text;
    else stderr += text;
  }
  return { output, stdout, stderr };
}
