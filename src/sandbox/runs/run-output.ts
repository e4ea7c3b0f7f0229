/** A run's streamed output on the host: every chunk kept, handed to the caller's listener, and counted for those that trail the result. */
import type { OutputChunk } from '../../shared/types.js';
import { LateMessages } from '../session/late-messages.js';

export class RunOutput {
  /** Everything streamed is kept: if the worker has to be killed it is all the output there is. */
  readonly streamed: OutputChunk[] = [];
  /** Streamed chunks use their own port and may trail the result: it waits (briefly) for the rest. */
  readonly lateChunks = new LateMessages();

  constructor(private readonly listener: ((chunk: OutputChunk) => void) | undefined) {}

  readonly onOutput = (chunk: OutputChunk): void => {
    this.streamed.push(chunk);
    this.lateChunks.arrived();
    try {
      this.listener?.(chunk);
    } catch {
      // A throwing listener must not break the run.
    }
  };
}
