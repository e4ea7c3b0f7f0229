/**
 * How much of a run's files the agent and the widget pass on. Within every sandbox limit a run
 * may write thousands of small files with long names; listing each to the model (and re-sending
 * the list with the history on every later turn) runs up the user's API bill by megabytes per
 * request, and a download link per file floods the widget and its saved conversation. So, as
 * with images, at most a fixed number are passed on, with their names bounded, and the rest are
 * counted.
 */
import type { FileOutput } from '../../shared/types.js';

/** Files of one run listed to the model, shown as downloads and saved, at most (images: 20 per run too). */
export const MAX_LISTED_FILES_PER_RUN = 20;

/** Longest file name passed on, in characters; a longer one keeps its start and end around `…`. */
export const MAX_LISTED_FILE_NAME_CHARS = 120;

/** The files of a run that are passed on, and how many more there were. */
export interface ListedFiles {
  /** The first {@link MAX_LISTED_FILES_PER_RUN} files, names shortened to {@link MAX_LISTED_FILE_NAME_CHARS}. */
  files: FileOutput[];
  /** Files the run returned beyond those. */
  unlisted: number;
}

/** The bounded view of a run's files: what the model is told of and what a UI shows. */
export function listedFiles(files: readonly FileOutput[]): ListedFiles {
  return {
    files: files.slice(0, MAX_LISTED_FILES_PER_RUN).map((file) => ({ ...file, path: shortFileName(file.path) })),
    unlisted: Math.max(0, files.length - MAX_LISTED_FILES_PER_RUN),
  };
}

/** `name` cut to {@link MAX_LISTED_FILE_NAME_CHARS} characters, its start and extension kept. */
export function shortFileName(name: string): string {
  if (name.length <= MAX_LISTED_FILE_NAME_CHARS) return name;
  // By code point, so no surrogate pair is split.
  const chars = Array.from(name);
  if (chars.length <= MAX_LISTED_FILE_NAME_CHARS) return name;
  const tail = Math.floor((MAX_LISTED_FILE_NAME_CHARS - 1) / 3);
  const head = MAX_LISTED_FILE_NAME_CHARS - 1 - tail;
  return `${chars.slice(0, head).join('')}…${chars.slice(-tail).join('')}`;
}

/** "and 4,980 more files": said where the unlisted files would have been. */
export function unlistedFilesNote(unlisted: number): string {
  return `and ${unlisted.toLocaleString('en-US')} more ${unlisted === 1 ? 'file' : 'files'}`;
}
