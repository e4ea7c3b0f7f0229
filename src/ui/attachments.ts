/**
 * Files the user attaches (picker or drag and drop), read into the agent loop's `Attachment`
 * shape. Browsers often leave `File.type` empty for CSV and code files, so the extension decides then.
 */
import { type Attachment, mimeTypeOf } from '../agent/index.js';

/** What the file picker offers: data, text and images. */
export const ACCEPTED_FILES = '.csv,.tsv,.txt,.json,.md,.py,.xml,.yaml,.yml,.log,text/*,image/png,image/jpeg,image/gif,image/webp';

/**
 * Whether a file is of a type the picker offers ({@link ACCEPTED_FILES}, read as the picker's
 * `accept` is: `.ext`, `type/*` or an exact type), so a drop accepts what the picker does.
 */
export function isAcceptedFile(file: { name: string; type: string }): boolean {
  const name = file.name.toLowerCase();
  const type = file.type.toLowerCase();
  return ACCEPTED_FILES.split(',').some((token) =>
    token.startsWith('.') ? name.endsWith(token) : token.endsWith('/*') ? type.startsWith(token.slice(0, -1)) : type === token,
  );
}

/** Largest attachment accepted (the sandbox keeps files in memory). */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

/** Reads files into attachments; names are made unique (`data (2).csv`) since they become file names in the sandbox. */
export async function readAttachments(files: Iterable<File>, existing: readonly Attachment[] = []): Promise<Attachment[]> {
  const taken = new Set(existing.map((a) => a.name));
  const read: Attachment[] = [];
  for (const file of files) {
    if (file.size > MAX_ATTACHMENT_BYTES) throw new Error(`${file.name} is larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`);
    const name = uniqueName(safeName(file.name), taken);
    taken.add(name);
    read.push({ name, mimeType: mimeTypeOf(file), data: new Uint8Array(await file.arrayBuffer()) });
  }
  return read;
}

/** A plain file name for the working directory (no folders, no control characters). */
function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'file';
  return base.replace(/[\u0000-\u001f]/g, '').trim() || 'file';
}

function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  for (let i = 2; ; i++) if (!taken.has(`${stem} (${i})${ext}`)) return `${stem} (${i})${ext}`;
}
