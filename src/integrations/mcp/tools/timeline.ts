/**
 * Checkpoints as the MCP server names them to clients. A sandbox's own ids (`c3`) count from 1 in
 * each interpreter, and a session or handle outlives its interpreters (replaced by `reset`, given
 * back while idle and restored, taken up by another instance), so a `run_python` result names the
 * state after its run `r<run>.<tag>`, the tag random per interpreter: a name from an earlier
 * interpreter or from another handle's reaches nothing here. The checkpoint itself is made once
 * Python is idle after the answer, so a name is bound to the first checkpoint holding its run when
 * a rewind or fork first needs it; a rewind binds every name first and seals those it could not
 * bind, since saves after it hold no run of before it, whatever run number they carry. A call that
 * changes the state waits for the checkpoint of the calls before it (`settled`), where the sandbox
 * alone would let that save give way and fold the two into one: a name a result gave is kept.
 */
import { randomBytes } from 'node:crypto';
import type { PythonSandbox } from '../../../sandbox/python-sandbox.js';
import type { Checkpoint } from '../../../shared/types.js';
import { ToolArgumentError } from '../errors.js';

/** Longest checkpoint name a call may pass, in characters. */
export const MAX_CHECKPOINT_CHARS = 64;

/** One interpreter's names: its tag, which checkpoint each run's name is bound to, and the runs no later checkpoint may bind. */
interface Names {
  tag: string;
  bound: Map<number, string>;
  /** Runs up to this one were answered before the latest rewind: a name of one not bound by then stays unbound. */
  sealed: number;
  /** The latest run answered. */
  answered: number;
}

const names = new WeakMap<PythonSandbox, Names>();

function namesOf(sandbox: PythonSandbox): Names {
  let found = names.get(sandbox);
  if (!found) names.set(sandbox, (found = { tag: randomBytes(6).toString('base64url'), bound: new Map(), sealed: -1, answered: 0 }));
  return found;
}

/** Resolves once the checkpoint due for the calls before is made (at once when a model's turn came between), so the next change is not folded into it. */
export async function settled(sandbox: PythonSandbox): Promise<void> {
  await sandbox.checkpoints();
}

/** The name of the checkpoint that will hold the state after run `run` of `sandbox` (a result's `checkpoint`). */
export function checkpointName(sandbox: PythonSandbox, run: number): string {
  const own = namesOf(sandbox);
  own.answered = Math.max(own.answered, run);
  return `r${run}.${own.tag}`;
}

const NAME = /^r(\d{1,9})\.([A-Za-z0-9_-]{8})$/;

/**
 * The sandbox's checkpoint id that `name` names.
 * @throws {ToolArgumentError} not a name, another interpreter's, or no checkpoint of it is kept (the message lists those that are).
 */
export async function checkpointId(sandbox: PythonSandbox, name: string): Promise<string> {
  const own = namesOf(sandbox);
  const match = NAME.exec(name);
  if (!match)
    throw new ToolArgumentError(
      `${JSON.stringify(name.slice(0, MAX_CHECKPOINT_CHARS))} is not a checkpoint name: pass the "checkpoint" of an earlier run_python result, such as "r3.${own.tag}". Nothing was changed.`,
    );
  if (match[2] !== own.tag)
    throw new ToolArgumentError(
      `Checkpoint ${name} is not one of this Python interpreter's (whose names end in ".${own.tag}"): it is another handle's or session's, or an earlier interpreter's here (one replaced by reset, or given back while idle and restored, which keeps the latest state but not the checkpoints). Nothing was changed.`,
    );
  const kept = await bind(sandbox, own);
  const id = own.bound.get(Number(match[1]));
  if (id !== undefined && kept.some((checkpoint) => checkpoint.id === id)) return id;
  const listed = [...own.bound].filter(([, bound]) => kept.some((checkpoint) => checkpoint.id === bound)).map(([run]) => `r${run}.${own.tag}`);
  throw new ToolArgumentError(
    `No checkpoint of this interpreter holds the state after run ${match[1]}: it keeps ${listed.length > 0 ? listed.join(', ') : 'none'}. A checkpoint is made when Python is idle after a call (calls sent back to back share one), the oldest go past the server's bound, a rewind drops those after it, and a state with compiled package code loaded is not kept. Nothing was changed.`,
  );
}

/** Binds each name whose run has its first checkpoint now (once the checkpoint due is made). */
async function bind(sandbox: PythonSandbox, own: Names): Promise<Checkpoint[]> {
  const kept = await sandbox.checkpoints();
  for (const { id, run } of kept) if (run > own.sealed && !own.bound.has(run)) own.bound.set(run, id);
  return kept;
}

/**
 * Rewinds `sandbox` to the checkpoint `name` names.
 * @throws {ToolArgumentError} as {@link checkpointId}; the sandbox's own errors when it does not restore (it is then unchanged).
 */
export async function rewindTo(sandbox: PythonSandbox, name: string): Promise<void> {
  const id = await checkpointId(sandbox, name);
  await sandbox.rewind(id);
  const own = namesOf(sandbox);
  own.sealed = Math.max(own.sealed, own.answered);
}
