/**
 * Gives the event loop back during long work on what a server sent (reading a body whose chunks
 * have all arrived, parsing requirements, grouping a page's files): the host is a page's main
 * thread or a Node server, and a hostile index can make the work long, so no step of it may hold
 * the thread for more than a slice.
 */

/** The longest the work runs before it yields: well under a frame's budget of pauses a user notices. */
export const SLICE_MS = 8;

export class Pacer {
  private sliceStart = performance.now();

  /** @param signal stops the work at its next step (a time bound, the run's end). */
  constructor(private readonly signal?: AbortSignal) {}

  /** Call between steps: yields once the slice is used up, and throws once `signal` aborted. */
  async step(): Promise<void> {
    if (performance.now() - this.sliceStart < SLICE_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.signal?.throwIfAborted();
    this.sliceStart = performance.now();
  }
}
