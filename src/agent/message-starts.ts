/**
 * Where each message of a chat started, for `CodeExecutionChat.rewind`: the history before it and,
 * taken just before its first cell runs, the sandbox's checkpoint of the state then. Both
 * conversations (generateContent and Interactions) keep their messages' starts here.
 */
import { untilAborted } from '../sandbox/runs/abort-signals.js';
import type { Checkpoint } from '../shared/types.js';
import type { AgentSandbox, ChatRewind } from './types.js';

/** The transcript's line when Python went back to before a message (`ChatRewind.note`). */
export const PYTHON_REWOUND = 'Python was rewound to before this message.';

/** The sandbox's state before a message's first cell: its checkpoint, or why it has none. */
type StateBefore = { checkpoint: Checkpoint } | { reason: string };

/** One message's start; `H` is the conversation's history type. */
export class MessageStart<H> {
  /** Taken by the message's first run, before it runs; unset while the message has run no code. */
  private before: Promise<StateBefore> | undefined;

  constructor(
    /** The history before the message (never changed in place: each message replaces it). */
    readonly history: H,
    /** The attachment names before the message. */
    readonly files: readonly string[],
  ) {}

  /** `sandbox` as the message's loop sees it: its first run waits for the checkpoint of the state before it. */
  sandbox(sandbox: AgentSandbox | undefined): AgentSandbox | undefined {
    if (!sandbox) return undefined;
    const run: AgentSandbox['run'] = async (code, options) => {
      this.before ??= stateNow(sandbox);
      // A Stop while it is taken (Python may still be loading) ends the wait, as the run's own would.
      await untilAborted(this.before, options?.signal);
      return sandbox.run(code, options);
    };
    return {
      run,
      limits: sandbox.limits,
      get isolation() {
        return sandbox.isolation;
      },
      writeFile: (path, data) => sandbox.writeFile(path, data),
    };
  }

  get ranCode(): boolean {
    return this.before !== undefined;
  }

  stateBefore(): Promise<StateBefore> | undefined {
    return this.before;
  }
}

async function stateNow(sandbox: AgentSandbox): Promise<StateBefore> {
  if (!sandbox.checkpointNow) return { reason: 'the chat’s sandbox keeps no checkpoints' };
  try {
    return { checkpoint: await sandbox.checkpointNow() };
  } catch (error) {
    return { reason: (error as Error)?.message ?? String(error) };
  }
}

/** The messages a chat sent and keeps in its history, each with where it started. */
export class MessageStarts<H> {
  private readonly starts: MessageStart<H>[] = [];

  /** A message went into the history. */
  add(start: MessageStart<H>): void {
    this.starts.push(start);
  }

  /**
   * Takes message `index` and the later ones out, and puts `sandbox` back as it was before the
   * first cell they ran. Resolves with the start of message `index` (its history is the one to
   * keep) and what became of Python; the messages stay when the sandbox's rewind throws.
   * @throws {RangeError} no message `index` was sent through this chat.
   * @throws The sandbox's error when a kept checkpoint did not restore (a retry may work).
   */
  async rewind(index: unknown, sandbox: AgentSandbox | undefined): Promise<{ start: MessageStart<H>; rewind: ChatRewind }> {
    const count = this.starts.length;
    if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= count)
      throw new RangeError(
        count === 0 ? 'rewind needs a message this chat sent; it has sent none yet' : `rewind takes the index of a message this chat sent: 0 to ${count - 1}`,
      );
    const removed = this.starts.slice(index as number);
    const python = await rewindPython(removed, sandbox);
    this.starts.length = index as number;
    return { start: removed[0], rewind: { removed: removed.length, ...python } };
  }
}

/** Python put back to before the first cell of `removed` (the messages taken out). */
async function rewindPython(removed: readonly MessageStart<unknown>[], sandbox: AgentSandbox | undefined): Promise<Omit<ChatRewind, 'removed'>> {
  const before = removed.find((start) => start.ranCode)?.stateBefore();
  if (!before || !sandbox) return { python: 'untouched', note: 'No code ran from this message on: Python is as it was.' };
  const state = await before;
  const notRewound = (reason: string) => ({
    python: 'not-rewound' as const,
    note: `Python could not be rewound to before this message (${reason}): it still holds what the later code did.`,
  });
  if ('reason' in state) return notRewound(state.reason);
  const { checkpoint } = state;
  const kept = (await sandbox.checkpoints?.()) ?? [];
  if (!sandbox.rewind || !kept.some((c) => c.id === checkpoint.id))
    return notRewound(`its checkpoint ${checkpoint.id} is no longer kept: the sandbox keeps ${kept.length} (see SandboxOptions.checkpoints)`);
  await sandbox.rewind(checkpoint.id);
  return { python: 'rewound', checkpoint, note: PYTHON_REWOUND };
}
