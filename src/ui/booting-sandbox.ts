/**
 * The widget's sandbox as the agent loop sees it while Python may still be loading: the message
 * goes to the model at once, and only running code waits for Python. On a first visit the
 * model's reply (its text, then its code) streams in while the runtime downloads, instead of
 * after it (a live model's answer takes seconds; a phone's download takes ten).
 */
import type { AgentSandbox } from '../agent/index.js';
import type { Checkpoint, RunOptions, RunResult } from '../shared/types.js';
import { untilAborted } from '../sandbox/runs/abort-signals.js';

export class BootingSandbox implements AgentSandbox {
  /**
   * @param ready Boots Python (once) and resolves with the sandbox, its restored files written.
   * @param limits The run time limit the model is told about, as the sandbox will have it.
   * @param booted The sandbox once it has booted (where it runs is told to the model).
   */
  constructor(
    private readonly ready: () => Promise<AgentSandbox>,
    readonly limits: AgentSandbox['limits'],
    private readonly booted: () => AgentSandbox | undefined = () => undefined,
  ) {}

  /** The sandbox each checkpoint taken here came from (ids are unique within one sandbox only). */
  private readonly takenFrom = new Map<string, AgentSandbox>();

  get isolation(): AgentSandbox['isolation'] {
    return this.booted()?.isolation;
  }

  /** Waits for Python (a Stop while it loads ends the wait), then runs. A failed boot rejects, as the run cannot happen. */
  async run(code: string, options: RunOptions = {}): Promise<RunResult> {
    const ready = this.ready();
    const sandbox = await (options.signal ? untilAborted(ready, options.signal) : ready);
    return sandbox.run(code, options);
  }

  async writeFile(path: string, data: Uint8Array): Promise<void> {
    return (await this.ready()).writeFile(path, data);
  }

  // The chat's rewind (an edited message). A checkpoint is taken before a message's first cell, so Python has booted by then.
  async checkpointNow(): Promise<Checkpoint> {
    const sandbox = await this.ready();
    if (!sandbox.checkpointNow) throw new TypeError('This sandbox keeps no checkpoints');
    const checkpoint = await sandbox.checkpointNow();
    this.takenFrom.set(checkpoint.id, sandbox);
    return checkpoint;
  }

  /** The checkpoints kept of those taken here: a Python booted again (the widget left the page and came back) has none of the earlier ones, whatever their ids. */
  async checkpoints(): Promise<Checkpoint[]> {
    const sandbox = await this.ready();
    return ((await sandbox.checkpoints?.()) ?? []).filter((checkpoint) => this.takenFrom.get(checkpoint.id) === sandbox);
  }

  async rewind(id: string): Promise<void> {
    return (await this.ready()).rewind?.(id);
  }
}
