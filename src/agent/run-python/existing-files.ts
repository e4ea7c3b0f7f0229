/**
 * The one name for "files already in the working directory" on every entry that tells the model
 * of them (`existingFiles`: the chat, `sandboxAsCallableTool`, `runPythonDeclaration`, the AI SDK
 * tool), so it no longer shares `files` with `RunResult.files` (a run's outputs); and its
 * deprecated name.
 */
import { refuseBothNames } from '../renamed-option.js';

/**
 * The caller's `existingFiles`, or the deprecated `files`, checked: paths relative to the
 * working directory, listed in `run_python`'s description.
 * @throws {TypeError} both names given, or a value that is not an array of strings.
 */
export function resolveExistingFiles(options: { existingFiles?: unknown; files?: unknown }): readonly string[] {
  const { existingFiles, files } = options;
  refuseBothNames({ name: 'existingFiles', value: existingFiles }, { name: 'files', value: files });
  const [name, value] = files !== undefined ? ['files', files] : ['existingFiles', existingFiles];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((path) => typeof path === 'string'))
    throw new TypeError(`${name} must be an array of paths (strings) relative to the working directory`);
  return value;
}
