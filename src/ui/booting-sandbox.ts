/**
 * The widget's sandbox as the agent loop sees it while Python may still be loading: the message
 * goes to the model at once, and only running code waits for Python. On a first visit the
 * model's reply (its text, then its code) streams in while the runtime downloads, instead of
 * after it (a live model's answer takes seconds; a phone's download takes ten).
 */
import type { AgentSandbox } from '../agent/index.js';
import type { RunOptions, RunResult } from '../shared/types.js';
import { unlessAborted } from './unless-aborted.js';

export class BootingSandbox implements AgentSandbox {
  /**
   * @param ready Boots Python (once) and resolves with the sandbox, its restored files written.
   * @param limits The run time limit the model is told about, as the sandbox will have it.
   */
  constructor(
    private readonly ready: () => Promise<AgentSandbox>,
    readonly limits: AgentSandbox['limits'],
  ) {}

  /** Waits for Python (a Stop while it loads ends the wait), then runs. A failed boot rejects, as the run cannot happen. */
  async run(code: string, options: RunOptions = {}): Promise<RunResult> {
    const ready = this.ready();
    const sandbox = await (options.signal ? unlessAborted(ready, options.signal) : ready);
    return sandbox.run(code, options);
  }

  async writeFile(path: string, data: Uint8Array): Promise<void> {
    return (await this.ready()).writeFile(path, data);
  }
}
