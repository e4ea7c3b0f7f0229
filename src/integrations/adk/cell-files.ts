/**
 * Files both ways between ADK and a session's interpreter. In: ADK passes every input file again
 * with each cell (with `optimizeDataFile`, the CSV files of the user's messages); each is written
 * once per interpreter, and never over a file of that name already there (a cell may have changed
 * it). Out: the files a cell wrote and its figures, base64 with their MIME types, as ADK saves each
 * as an artifact's `inlineData`.
 */
import type { File as AdkFile } from '@google/adk';
import type { PythonSandbox } from '../../sandbox/python-sandbox.js';
import { base64Size, base64ToBytes, isBase64 } from '../../sandbox/files/base64.js';
import type { RunResult } from '../../shared/types.js';
import { runImages } from '../../sandbox/charts/run-images.js';

/** The most input files one cell may bring. */
export const MAX_INPUT_FILES = 100;
/** The longest input file name, in characters. */
const MAX_NAME_CHARS = 255;

/** What one interpreter has had of ADK's files: the input files written (or found there) and the figures named so far. */
interface InterpreterFiles {
  written: Set<string>;
  figures: number;
}

/** By interpreter: a new one (another sandbox) starts with nothing written. */
const byInterpreter = new WeakMap<PythonSandbox, InterpreterFiles>();

function filesOf(sandbox: PythonSandbox): InterpreterFiles {
  let files = byInterpreter.get(sandbox);
  if (!files) byInterpreter.set(sandbox, (files = { written: new Set(), figures: 0 }));
  return files;
}

/**
 * Why ADK's input files cannot be written, or undefined when they can: a name that is not a plain
 * relative path (absolute, `..`, `.`, empty segments, backslashes, control characters), content
 * that is not text or base64, a file over `maxFileBytes`, too many files.
 */
export function inputFilesProblem(files: readonly AdkFile[], maxFileBytes: number): string | undefined {
  if (!Array.isArray(files)) return 'inputFiles is not a list.';
  if (files.length > MAX_INPUT_FILES) return `${files.length} input files were given; at most ${MAX_INPUT_FILES} are written.`;
  for (const file of files) {
    const name: unknown = file?.name;
    const problem = nameProblem(name);
    if (problem) return `The input file ${quoted(name)} was not written: ${problem}`;
    if (typeof file.content !== 'string') return `The input file "${name}" was not written: its content is not a string.`;
    const base64 = file.contentEncoding === 'base64';
    if (base64 && !isBase64(file.content)) return `The input file "${name}" was not written: its content is not base64.`;
    const bytes = base64 ? base64Size(file.content) : utf8Size(file.content, maxFileBytes);
    if (bytes > maxFileBytes) return `The input file "${name}" was not written: it is over ${maxFileBytes.toLocaleString('en-US')} bytes (maxFileBytes).`;
  }
  return undefined;
}

function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'a file name must be a non-empty string.';
  if (name.length > MAX_NAME_CHARS) return `its name is longer than ${MAX_NAME_CHARS} characters.`;
  if (/[\u0000-\u001f\u007f\\]/.test(name)) return 'its name holds a control character or a backslash.';
  if (name.startsWith('/')) return 'its name is an absolute path; it must be a plain relative path such as data.csv or in/data.csv.';
  if (name.split('/').some((segment) => segment === '' || segment === '.' || segment === '..'))
    return "its name has an empty, '.' or '..' segment; it must be a plain relative path such as data.csv or in/data.csv.";
  return undefined;
}

/** At most 3 bytes per UTF-16 unit: counted exactly only when that bound could pass `limit`. */
function utf8Size(text: string, limit: number): number {
  return text.length * 3 <= limit ? text.length : new TextEncoder().encode(text).length;
}

function quoted(name: unknown): string {
  return typeof name === 'string' ? JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name) : String(name);
}

/** Writes the input files this interpreter has not had yet, but none over a file already there. Checked first with {@link inputFilesProblem}. */
export async function writeInputFiles(sandbox: PythonSandbox, files: readonly AdkFile[]): Promise<void> {
  const had = filesOf(sandbox).written;
  const pending = files.filter((file) => !had.has(file.name));
  if (pending.length === 0) return;
  const there = new Set((await sandbox.listFiles()).map((file) => file.path));
  for (const file of pending) {
    if (!there.has(file.name)) await sandbox.writeFile(file.name, file.contentEncoding === 'base64' ? base64ToBytes(file.content) : file.content);
    had.add(file.name);
  }
}

/**
 * A cell's files for ADK: each file it wrote or changed (those over the sandbox's bounds are
 * named in `notReturned`), then each figure (a chart's PNG too) as `figure_<n>.<ext>`, numbered through the interpreter's life.
 */
export function outputFiles(sandbox: PythonSandbox, result: RunResult): { files: AdkFile[]; notReturned: string[] } {
  const files: AdkFile[] = [];
  const notReturned: string[] = [];
  for (const file of result.files) {
    if (file.omitted) notReturned.push(`${file.path} (${file.omitted})`);
    else files.push(base64File(file.path, file.data, file.mimeType));
  }
  const state = filesOf(sandbox);
  for (const image of runImages(result)) files.push(base64File(`figure_${++state.figures}.${extensionOf(image.mimeType)}`, image.data, image.mimeType));
  return { files, notReturned };
}

function base64File(name: string, content: string, mimeType: string): AdkFile {
  // FileContentEncoding.BASE64's value, without loading ADK's enum for one string.
  return { name, content, contentEncoding: 'base64' as AdkFile['contentEncoding'], mimeType };
}

function extensionOf(mimeType: string): string {
  const subtype = /^image\/([a-z0-9.+-]+)$/i.exec(mimeType)?.[1]?.toLowerCase() ?? 'bin';
  return subtype === 'svg+xml' ? 'svg' : subtype === 'jpeg' ? 'jpg' : subtype;
}
