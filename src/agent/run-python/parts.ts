import { Language, type Outcome, type Part, createPartFromBase64, createPartFromCodeExecutionResult, createPartFromExecutableCode } from '@google/genai';
import type { ChartOutput, ImageOutput, RunOutcome, RunResult } from '../../shared/types.js';
import { toBase64 } from '../attachments.js';

/** RunOutcome, spelled out in types.ts, is exactly the SDK's outcomes less OUTCOME_UNSPECIFIED (a compile error otherwise). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const OUTCOMES_MATCH: Same<RunOutcome, Exclude<`${Outcome}`, 'OUTCOME_UNSPECIFIED'>> = true;
void OUTCOMES_MATCH;

/**
 * The text Gemini's `codeExecutionResult.output` would hold for this run: the interleaved
 * output, then the trailing expression's repr (as a REPL echoes it), then the error's traceback
 * if it is not already in the output.
 *
 * @param result A run's result from `PythonSandbox.run`.
 * @returns The text, ending with a newline unless empty.
 */
export function resultOutputText(result: RunResult): string {
  let text = result.output;
  const append = (line: string) => {
    if (text && !text.endsWith('\n')) text += '\n';
    text += line.endsWith('\n') ? line : `${line}\n`;
  };
  if (result.result !== undefined) append(result.result);
  if (result.error && !text.includes(result.error.traceback)) append(result.error.traceback);
  return text;
}

/**
 * Converts a local run into the parts Gemini's server-side code execution produces:
 * an `executableCode` part (PYTHON), a `codeExecutionResult` part, and one `inlineData` part per image;
 * then each chart as an `inlineData` part holding its spec (`mimeType` the chart's Vega-Lite type,
 * `data` the spec's JSON text in base64) for a renderer that draws charts, followed by its PNG
 * where the host drew one (what a renderer that does not know charts shows). These parts are the
 * transcript's, not the model's: a model is given the images alone.
 *
 * @param code The Python that ran.
 * @param result Its result from `PythonSandbox.run`.
 * @returns Parts for the same renderer as server-side code execution.
 *
 * @example
 * ```ts
 * const parts = toParts(code, await sandbox.run(code));
 * ```
 */
export function toParts(code: string, result: RunResult): Part[] {
  return [
    createPartFromExecutableCode(code, Language.PYTHON),
    createPartFromCodeExecutionResult(result.outcome as Outcome, resultOutputText(result)),
    ...result.images.map(imagePart),
    ...result.charts.flatMap((chart) => [chartPart(chart), ...(chart.image ? [imagePart(chart.image)] : [])]),
  ];
}

function imagePart(image: ImageOutput): Part {
  return createPartFromBase64(image.data, image.mimeType);
}

function chartPart(chart: ChartOutput): Part {
  return createPartFromBase64(toBase64(new TextEncoder().encode(chart.spec)), chart.mimeType);
}
