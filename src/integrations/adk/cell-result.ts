/**
 * A run's result as ADK's `CodeExecutionResult`. ADK takes any non-empty `stderr` for a failed
 * cell (it then shows the model `stderr` alone and counts the failure toward
 * `errorRetryAttempts`), so `stderr` carries only a failure: the traceback, the deadline, the stop.
 * A successful run's own stderr text (warnings) goes into `stdout`, in the order it was written.
 */
import type { CodeExecutionResult } from '@google/adk';
import { resultOutputText } from '../../agent/run-python/parts.js';
import { STATE_LOST_NOTE } from '../../agent/run-python/tool.js';
import type { RunResult } from '../../shared/types.js';
import type { PythonSandbox } from '../../sandbox/python-sandbox.js';
import { outputFiles } from './cell-files.js';

/**
 * @param notes Said before the output (an interpreter that is new to a session that had one).
 */
export function cellResult(sandbox: PythonSandbox, result: RunResult, notes: readonly string[]): CodeExecutionResult {
  const { files, notReturned } = outputFiles(sandbox, result);
  const after = [...(result.stateLost ? [STATE_LOST_NOTE] : []), ...(notReturned.length > 0 ? [`Files not returned: ${notReturned.join('; ')}`] : [])];
  if (result.outcome === 'OUTCOME_OK') return { stdout: paragraphs([...notes, resultOutputText(result), ...after]), stderr: '', outputFiles: files };
  return { stdout: result.stdout, stderr: paragraphs([...notes, failureText(result), ...after]), outputFiles: files };
}

/** A cell that did not run, for the reason given (ADK shows the model `stderr`). */
export function refusedCell(reason: string): CodeExecutionResult {
  return { stdout: '', stderr: reason, outputFiles: [] };
}

/** The traceback, then the error's own line where the traceback lacks it (a deadline, a stop, a lost interpreter). */
function failureText(result: RunResult): string {
  const { error } = result;
  if (!error) return `Outcome: ${result.outcome}`;
  const line = `${error.name}: ${error.message}`;
  const traceback = error.traceback.trimEnd();
  return traceback.includes(line) ? traceback : [traceback, line].filter(Boolean).join('\n');
}

function paragraphs(parts: readonly string[]): string {
  return parts
    .map((part) => part.trimEnd())
    .filter(Boolean)
    .join('\n\n');
}
