/**
 * What the widget lets the user attach (picker or drag and drop). Reading the files into
 * attachments is the agent's `attachmentsFromFiles`.
 */

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
