/**
 * What each session of a server is made with, from its resolved options: the sandbox (a Deno
 * that is missing or does not run is answered in the server's words), and what its runs have
 * besides: the functions they may call and the skills folder.
 */
import { PythonSandbox } from '../../sandbox-entry.js';
import { boundaryUnavailable } from './boundary.js';
import type { ResolvedServerOptions } from './options.js';
import type { CreateSandbox, SessionSetup } from '../shared/sessions.js';
import { SkillsFolder } from './skills-folder.js';

/** Makes each session's sandbox. */
export function sandboxMaker(resolved: ResolvedServerOptions): CreateSandbox {
  return async (onProgress) => {
    try {
      return await PythonSandbox.create({ ...resolved.sandbox, onProgress });
    } catch (error) {
      // Every call's answer says what to do, rather than the server's exit (nobody reads a server's stderr).
      throw boundaryUnavailable(error, resolved.sandbox.deno?.path) ?? error;
    }
  };
}

/** A session's own functions, and how to end what they hold open: the HTTP gateway's downstream connections for one session. */
export type OwnFunctions = () => Required<Pick<SessionSetup, 'functions' | 'release'>>;

/**
 * What a new session's runs have besides its sandbox: its own functions when `ownFunctions` makes
 * them (the HTTP gateway: a session's own downstream connections, ended with its interpreter), else
 * the server's `functions`, which every session shares; and the server's one skills folder.
 */
export function sessionSetup(resolved: ResolvedServerOptions, ownFunctions?: OwnFunctions): (id: string) => SessionSetup {
  const skills = resolved.skillsDirectory === undefined ? undefined : new SkillsFolder(resolved.skillsDirectory, resolved.limits.maxFileBytes);
  return () => ({ ...(ownFunctions ? ownFunctions() : { functions: resolved.functions }), skills });
}
