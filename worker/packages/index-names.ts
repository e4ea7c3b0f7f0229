/**
 * Which of a cell's missing imports the host's package index may be asked for. The host answers
 * only requests of at most `MAX_INDEX_NAMES_PER_REQUEST` ASCII identifiers of up to 100
 * characters (src/sandbox/session/worker-answers.ts); a cell that needs more, or a name no
 * distribution can have (`import café`), fails here at once with the reason, instead of sending a
 * request the host refuses.
 */
import { IMPORT_NAME, MAX_INDEX_NAMES_PER_REQUEST } from '../../src/shared/protocol.js';

/** Why the run fails before its code starts: the error's name and message. */
export interface NamesRefusal {
  name: 'ModuleNotFoundError' | 'PackageLoadError';
  message: string;
}

/** Why `missing` (imports neither the lock file nor the interpreter provides) cannot be asked of the index, or undefined when they can. */
export function refuseIndexNames(missing: readonly string[]): NamesRefusal | undefined {
  const unaskable = missing.filter((name) => !IMPORT_NAME.test(name));
  if (unaskable.length > 0) {
    const named = unaskable.map((name) => `'${name.length > 120 ? `${name.slice(0, 120)}…` : name}'`).join(', ');
    return {
      name: 'ModuleNotFoundError',
      message: `No module named ${named}: not a name a package index is asked for (only ASCII Python identifiers of up to 100 characters can name a package there), and the interpreter does not have it`,
    };
  }
  if (missing.length > MAX_INDEX_NAMES_PER_REQUEST) {
    return {
      name: 'PackageLoadError',
      message: `this cell imports ${missing.length} modules the interpreter does not have; the package index is asked for at most ${MAX_INDEX_NAMES_PER_REQUEST} per cell (import fewer at once, or split the cell): ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}`,
    };
  }
  return undefined;
}
