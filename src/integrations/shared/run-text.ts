/**
 * What a tool result tells a model about one run, for the tools outside the Gemini loop (the MCP
 * server, the AI SDK tool). The text is the loop's own (`resultOutputText`: output, the trailing
 * expression's repr, the traceback), plus what Gemini's parts carry beside it: the outcome when it
 * is not OK, the note when the interpreter was replaced, and the files the run wrote (bounded as
 * the loop bounds them). Images travel beside the text, each as its tool format has them.
 */
import { listedFiles, unlistedFilesNote } from '../../agent/run-python/files.js';
import { resultOutputText } from '../../agent/run-python/parts.js';
import { STATE_LOST_NOTE } from '../../agent/run-python/tool.js';
import type { RunResult } from '../../shared/types.js';

/** Said for a run that printed nothing and returned no value, so the model does not wait for more. */
export const NO_OUTPUT = '(no output)';

/**
 * The text of one run's tool result.
 * @param result A run's result from `PythonSandbox.run`.
 * @returns The output text, then the outcome (when not OK), the state-lost note and the files written, one per paragraph.
 */
export function runResultText(result: RunResult): string {
  const paragraphs = [resultOutputText(result).trimEnd() || NO_OUTPUT];
  if (result.outcome !== 'OUTCOME_OK') paragraphs.push(`Outcome: ${result.outcome}`);
  if (result.stateLost) paragraphs.push(STATE_LOST_NOTE);
  const files = filesWrittenLine(result);
  if (files) paragraphs.push(files);
  return paragraphs.join('\n\n');
}

/** "Files written: a.csv (12 bytes), and 3 more files", or undefined when the run wrote none. */
function filesWrittenLine(result: RunResult): string | undefined {
  if (result.files.length === 0) return undefined;
  const { files, unlisted } = listedFiles(result.files);
  const names = files.map((file) => `${file.path} (${file.size.toLocaleString('en-US')} ${file.size === 1 ? 'byte' : 'bytes'})`);
  if (unlisted > 0) names.push(unlistedFilesNote(unlisted));
  return `Files written: ${names.join(', ')}`;
}
