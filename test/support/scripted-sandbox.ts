/**
 * A stand-in sandbox for the few tests where a scripted result is clearer than real Python
 * (an interpreter restart, exact timing). The main scenarios use the real PythonSandbox.
 */
import type { AgentSandbox } from '../../src/agent/index.js';
import type { RunOptions, RunResult } from '../../src/shared/types.js';
import { runResult } from './fixtures.js';

export class ScriptedSandbox implements AgentSandbox {
  readonly limits = { timeoutMs: 30_000 };
  readonly runs: string[] = [];
  readonly files = new Map<string, Uint8Array>();

  constructor(private readonly respond: (code: string, options: RunOptions) => Partial<RunResult> | Promise<Partial<RunResult>>) {}

  async run(code: string, options: RunOptions = {}): Promise<RunResult> {
    this.runs.push(code);
    const partial = await this.respond(code, options);
    return runResult(partial);
  }

  async writeFile(path: string, data: Uint8Array): Promise<void> {
    this.files.set(path, data);
  }
}
