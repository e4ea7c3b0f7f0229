/**
 * What the reader and the model are told when the Python under a conversation was restarted:
 * by a page reload (a new interpreter, with the attached files written again) or during a
 * message (a crash, a fatal interpreter error, a stop that had to kill the worker).
 */

/** The divider after a message during which a run lost the interpreter. The model learns it from the run's result. */
export const PYTHON_RESTARTED_DURING_MESSAGE =
  'Python restarted during this message: variables from earlier cells are gone. Files are as the last finished run left them.';

/** Which attached files a restored conversation could put back into the working directory. */
export interface RestoredFiles {
  /** Written again into the new interpreter's working directory. */
  restored: readonly string[];
  /** Too large to keep in the browser's storage: gone until attached again. */
  dropped: readonly string[];
  /** Helpers the code kept in `skills/`, written again too (they import as `skills.<name>`). */
  skills?: readonly string[];
}

/** The divider shown where a restored conversation continues in the interpreter saved with it. */
export const PYTHON_STATE_RESTORED =
  "Python's state was restored (the page was reloaded): variables, imports and files are as the last finished message left them.";

/**
 * The divider shown where a restored conversation continues in a new interpreter; `dropped`: why
 * the interpreter saved with it could not be used.
 */
export function restartDivider(files: RestoredFiles, dropped?: string): string {
  const sentences = ['Python restarted (the page was reloaded): variables from earlier cells and files the code wrote are gone.'];
  if (dropped) sentences.push(`The saved Python state was dropped: ${dropped}.`);
  if (files.restored.length > 0)
    sentences.push(`${files.restored.length === 1 ? 'The file you attached is' : 'Files you attached are'} restored: ${list(files.restored)}.`);
  if (files.dropped.length > 0) sentences.push(`Too large to keep, attach again if needed: ${list(files.dropped)}.`);
  if (files.skills?.length) sentences.push(`The code's helpers in skills/ are restored: ${list(files.skills)}.`);
  return sentences.join(' ');
}

/**
 * Said to the model with the first message after a restore, so it re-runs its setup instead of
 * trusting variables that are gone (it would otherwise find out from a NameError, a step later).
 */
export function restartNoteForModel(files: RestoredFiles): string {
  const sentences = [
    '[Note from the app: the Python interpreter was restarted since the previous message (the page was reloaded). Variables, imports and functions from earlier runs are gone, and so are files the code wrote.',
  ];
  if (files.restored.length > 0) sentences.push(`Files in the working directory: ${files.restored.map((name) => JSON.stringify(name)).join(', ')}.`);
  if (files.dropped.length > 0) sentences.push(`These attached files could not be restored: ${files.dropped.map((name) => JSON.stringify(name)).join(', ')}.`);
  if (files.skills?.length)
    sentences.push(`Your helpers in skills/ are back (import skills.<name>): ${files.skills.map((name) => JSON.stringify(name)).join(', ')}.`);
  return `${sentences.join(' ')}]`;
}

function list(names: readonly string[]): string {
  return names.join(', ');
}
