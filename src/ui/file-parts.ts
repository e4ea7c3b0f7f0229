/**
 * The files a run wrote, as transcript parts: downloads in the cell, bounded per run
 * (`MAX_LISTED_FILES_PER_RUN`), the rest counted.
 */
import type { Part } from '@google/genai';
import { type ListedFiles, unlistedFilesNote } from '../agent/run-python/files.js';
import type { FileOutput } from '../shared/types.js';
import { literalInline } from './markdown-literal.js';

/**
 * A run's listed files as parts (downloads, in the cell), then how many more there were: a run
 * may write thousands, and each shown one is a link, bytes in memory and in the saved conversation.
 */
export function fileParts({ files, unlisted }: ListedFiles): Part[] {
  const parts = files.map(filePart);
  if (unlisted > 0) parts.push({ text: `\n\n…${unlistedFilesNote(unlisted)} were written by this run (not shown).\n\n` });
  return parts;
}

/**
 * A file the code wrote, as a named inlineData part (rendered as a download), or the note that it
 * was not returned. The path and the note come from the sandbox: text in code spans, never Markdown.
 */
export function filePart(file: FileOutput): Part {
  if (file.omitted) return { text: `\n\n${literalInline(file.path)} was not returned: ${literalInline(file.omitted)}\n\n` };
  return { inlineData: { mimeType: file.mimeType, data: file.data, displayName: file.path } };
}
