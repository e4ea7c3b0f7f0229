/** What the worker tells the host unasked, on the events port: its events, counting the progress ones. */
import type { PortLike, WorkerEvent } from '../src/shared/protocol.js';
import type { LoadProgress } from '../src/shared/types.js';

export class Outbox {
  /** Progress events posted so far (the boot reports how many, so the host waits until it has them all). */
  progressPosted = 0;

  constructor(private readonly events: PortLike) {}

  post(event: WorkerEvent): void {
    this.events.postMessage(event);
  }

  progress(phase: LoadProgress['phase'], message: string): void {
    this.progressPosted++;
    this.post({ type: 'progress', phase, message });
  }
}
