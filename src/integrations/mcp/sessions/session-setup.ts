/**
 * What each session of a server is made with, from its resolved options: the sandbox (a Deno
 * that is missing or does not run is answered in the server's words), and what its runs have
 * besides: the functions they may call and the skills folder.
 */
import { PythonSandbox } from '../../../sandbox-entry.js';
import { boundaryUnavailable } from '../boundary.js';
import type { ResolvedServerOptions } from '../options.js';
import type { CreateSandbox, SessionSetup } from '../../shared/sessions.js';
import { SkillsFolder } from './skills-folder.js';
import { MemoryStateStore, type SessionState, type StateStore } from '../../shared/idle-save.js';
import { StateFolder } from './state-folder.js';
import { BootAdmission } from '../../shared/boot-admission.js';

/** Makes each session's sandbox. */
export function sandboxMaker(resolved: ResolvedServerOptions): CreateSandbox {
  return async (onProgress, savedState) => {
    try {
      return await PythonSandbox.create({ ...resolved.sandbox, onProgress, savedState });
    } catch (error) {
      // Every call's answer says what to do, rather than the server's exit (nobody reads a server's stderr).
      throw boundaryUnavailable(error, resolved.sandbox.deno?.path) ?? error;
    }
  };
}

/** A session's own functions, and how to end what they hold open: the HTTP gateway's downstream connections for one session. */
export type OwnFunctions = () => Required<Pick<SessionSetup, 'functions' | 'release'>>;

/** Where a server's sessions save their idle interpreters: the store, and what their keys start with there. */
export interface StateScope {
  store: StateStore;
  /** Keeps one server's kind of sessions apart from another's in a shared folder (HTTP, a stdio name). */
  prefix: string;
  /** Whether the states outlive their sessions (a folder, and over stdio a state name to resume by). */
  lasting: boolean;
  /**
   * Whether session `id`'s client ended it (an HTTP `DELETE`): its state is deleted as it closes,
   * as `reset` deletes it, even where states outlive their sessions. Default: none is.
   */
  endedByClient?: (id: string) => boolean;
}

/** The key of session `id`'s state in the store. */
export function stateKey(scope: StateScope, id: string): string {
  return `${scope.prefix}\n${id}`;
}

/** Whether the folder holds a state for `id` that this process may take up (undefined: states do not outlive their session). */
export function savedIn(scope: StateScope): ((id: string) => boolean) | undefined {
  return scope.lasting ? (id) => scope.store.has(stateKey(scope, id)) : undefined;
}

/** The store of idle interpreters: the state folder, else this process's memory. */
export function stateStore(resolved: ResolvedServerOptions, say: (line: string) => void): StateStore {
  const { directory, maxBytes } = resolved.state;
  return directory === undefined ? new MemoryStateStore(maxBytes, say) : new StateFolder(directory, maxBytes, say);
}

/** Says a line on stderr, as the command line's own messages are. */
export function sayOnStderr(line: string): void {
  process.stderr.write(`pyodide-code-execution: ${line}\n`);
}

/**
 * What a new session's runs have besides its sandbox: its own functions when `ownFunctions` makes
 * them (the HTTP gateway: a session's own downstream connections, ended with its interpreter), else
 * the server's `functions`, which every session shares; the server's one skills folder and one line
 * of boots; and its place in the state store, under its id.
 */
export function sessionSetup(resolved: ResolvedServerOptions, ownFunctions?: OwnFunctions, state?: StateScope): (id: string) => SessionSetup {
  const skills = resolved.skillsDirectory === undefined ? undefined : new SkillsFolder(resolved.skillsDirectory, resolved.limits.maxFileBytes);
  // One line for every session of the server: the bound is on the process's boots.
  const admission = new BootAdmission(resolved.maxBoots);
  return (id) => ({
    admission,
    ...(ownFunctions ? ownFunctions() : { functions: resolved.functions }),
    skills,
    ...(state && { state: sessionState(state, id) }),
  });
}

/** Session `id`'s place in the store: it outlives the session where the scope's states do, unless its client ended it. */
function sessionState(scope: StateScope, id: string): SessionState {
  return {
    store: scope.store,
    key: stateKey(scope, id),
    get lasting() {
      return scope.lasting && !scope.endedByClient?.(id);
    },
  };
}
