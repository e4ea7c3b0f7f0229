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

/**
 * What a new session's runs have besides its sandbox. Every session shares the server's functions
 * (the gateway's downstream connections are the process's) and its one skills folder.
 */
export function sessionSetup(resolved: ResolvedServerOptions): (id: string) => SessionSetup {
  const skills = resolved.skillsDirectory === undefined ? undefined : new SkillsFolder(resolved.skillsDirectory, resolved.limits.maxFileBytes);
  return () => ({ functions: resolved.functions, skills });
}
