/**
 * The `run_python` function as the model sees it: its declaration, the check of its arguments,
 * and the function response made from a run.
 */
import type { FunctionDeclaration } from '@google/genai';
import type { PythonErrorInfo, RunResult } from '../../shared/types.js';
import { runImages } from '../../sandbox/charts/run-images.js';
import { codeFunctionsSentence } from './code-functions.js';
import { resolveExistingFiles } from './existing-files.js';
import { listedFiles } from './files.js';
import { type RunPlace, networkSentence, placePhrase } from './place.js';

/** The name of the function the model calls to run Python (`run_python`). */
export const RUN_PYTHON = 'run_python';

/** Told to the model whenever the interpreter was replaced during a run. */
export const STATE_LOST_NOTE =
  'The Python interpreter was restarted during this run: variables, imports and functions from earlier runs are gone (files in the working directory are kept). Re-run any setup you still need.';

/**
 * Where the model keeps helpers for later calls: a restored `skills/` imports after a restart,
 * where the interpreter's other restored modules do not (worker/python/restored.py).
 */
const SKILLS_SENTENCE = 'Save reusable helpers as skills/<name>.py and import them as skills.<name>: they stay importable after a restart.';

/**
 * How to make a chart the user can touch (docs/charts.md): a Vega-Lite dict, or Altair without
 * pandas. The model sees it as an image; where the host draws charts, the user gets it live.
 */
const CHARTS_SENTENCE =
  'For an interactive chart, display() a Vega-Lite spec as a dict with its data inline ({"data": {"values": [...]}, "mark": "line", "encoding": {"x": {"field": "day", "type": "temporal"}, ...}}), or an Altair chart with alt.Data(values=[...]) and typed fields (x="day:T"); you see it as an image.';

/** The libraries Pyodide loads on first import (named so the model does not try to pip install them). */
const LIBRARIES = 'numpy, pandas, matplotlib, scipy, sympy, scikit-learn (sklearn), pillow (PIL), statsmodels, networkx, beautifulsoup4, pyyaml, regex';

/** What {@link runPythonDeclaration} puts into the description: the time limit and the files. */
export interface RunPythonDeclarationOptions {
  /** Per-run wall time (the sandbox's `limits.timeoutMs`). */
  timeoutMs: number;
  /** Paths (relative to the working directory) of files already in the sandbox, such as the user's attachments. Default: none. */
  existingFiles?: readonly string[];
  /** @deprecated Use `existingFiles` (the same meaning); this name goes in the next minor version. Both at once is a TypeError. */
  files?: readonly string[];
  /** Where the code runs (`placeOf(sandbox)`). Default `'browser'`. */
  place?: RunPlace;
  /** The code's network: `false` (default) none, `true` any host, a list those hosts. */
  network?: boolean | readonly string[];
  /** The app's functions the code may call (code mode), listed as Python signatures. */
  functions?: readonly FunctionDeclaration[];
}

/**
 * The `run_python` declaration. Its description is the model's only manual for the sandbox.
 * @throws {TypeError} a malformed `existingFiles`, or both it and `files`.
 */
export function runPythonDeclaration(options: RunPythonDeclarationOptions): FunctionDeclaration {
  const existing = resolveExistingFiles(options);
  const files =
    existing.length > 0 ? `Files in the working directory: ${existing.map((path) => JSON.stringify(path)).join(', ')}.` : 'The working directory starts empty.';
  const description = [
    `Runs Python 3.14 code ${placePhrase(options.place ?? 'browser')} and returns its output.`,
    'State persists between calls: variables, imports and functions defined earlier are still there.',
    `Files are read and written in the current working directory. ${files} ${SKILLS_SENTENCE}`,
    `These libraries load on import: ${LIBRARIES}. ${networkSentence(options.network ?? false)}`,
    'Print what you need to see; the value of a trailing expression is returned as `result`.',
    'Plots come back as images: call plt.show() or leave figures open at the end. Use display(obj) to return a PIL image.',
    CHARTS_SENTENCE,
    `Each call may run for at most ${formatSeconds(options.timeoutMs)}.`,
    codeFunctionsSentence(options.functions ?? []),
  ]
    .filter(Boolean)
    .join(' ');
  return {
    name: RUN_PYTHON,
    description,
    parametersJsonSchema: {
      type: 'object',
      properties: { code: { type: 'string', description: 'Python source to run.' } },
      required: ['code'],
    },
  };
}

/** The code to run, or why the call's arguments are unusable (said so the model can fix its call). */
export type ParsedRunPythonArgs = { ok: true; code: string } | { ok: false; error: string };

export function parseRunPythonArgs(args: Record<string, unknown> | undefined): ParsedRunPythonArgs {
  const code = args?.code;
  if (code === undefined) return { ok: false, error: 'run_python needs a "code" argument: a string of Python source. Call it again with {"code": "..."}.' };
  if (typeof code !== 'string') return { ok: false, error: `The "code" argument of run_python must be a string of Python source; got ${describeType(code)}.` };
  if (code.trim() === '') return { ok: false, error: 'The "code" argument of run_python is empty; send the Python source to run.' };
  return { ok: true, code };
}

/**
 * The `response` object of the function response for a run (images travel separately, as parts).
 * Files: at most `MAX_LISTED_FILES_PER_RUN`, names shortened, the rest counted in `filesNotListed`.
 */
export function runResultResponse(result: RunResult): Record<string, unknown> {
  const response: Record<string, unknown> = { outcome: result.outcome, output: result.output };
  if (result.result !== undefined) response.result = result.result;
  if (result.error) response.error = formatError(result.error);
  if (result.stateLost) {
    response.stateLost = true;
    response.note = STATE_LOST_NOTE;
  }
  if (result.files.length > 0) {
    // Bounded: the response is sent again with the history on every later turn.
    const { files, unlisted } = listedFiles(result.files);
    response.files = files.map((file) => ({ path: file.path, size: file.size }));
    if (unlisted > 0) response.filesNotListed = unlisted;
  }
  const images = runImages(result).length;
  if (images > 0) response.images = images;
  // The charts' pictures are among the images; their specs stay with the host's renderer.
  if (result.charts.length > 0) response.charts = result.charts.length;
  return response;
}

/** The traceback, ending with the exception line (the host's own message when Python gave no traceback). */
function formatError(error: PythonErrorInfo): string {
  const line = `${error.name}: ${error.message}`;
  if (!error.traceback) return line;
  return error.traceback.includes(error.message) ? error.traceback.trimEnd() : `${error.traceback.trimEnd()}\n${line}`;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
