/**
 * Output written to the file descriptors below Python's `sys.stdout`: by C code, `os.write(1, …)` or `sys.__stdout__`.
 * Pyodide hands it to a callback, line by line, while the write has released the GIL, so nothing
 * may call into Python (or into WebAssembly at all: that crashed Node 20's V8). Each line is
 * streamed at once, up to half the output cap (the live stream shows no more than the head), and
 * held here; a byte in the WebAssembly memory tells the capture, whose next write (or flush)
 * takes the held lines into its queue, where they were written (capture.py `absorb_below`).
 */
import type { OutputChunk } from '../src/shared/types.js';

const DROPPED_NOTE = '\n[more output written below sys.stdout was dropped: over twice the output limit]\n';

export class FdOutput {
  /** Lines held for the capture: [name, text], the name marked when the line was streamed. */
  private held: Array<[string, string]> = [];
  /** Characters written below Python in the current run, and whether it went over the bound. */
  private written = 0;
  private dropped = false;
  private flagAddress: number | undefined;

  /**
   * @param memory Python's WebAssembly memory, as it is now (it is replaced when it grows).
   * @param maxOutputBytes The run's output cap: what the capture keeps of a run.
   */
  constructor(
    private readonly memory: () => Int8Array,
    private readonly maxOutputBytes: number,
  ) {}

  /** Where the capture's flag byte is (capture.py `below_address`). */
  connect(flagAddress: number): void {
    this.flagAddress = flagAddress;
  }

  /** A run begins: its budget starts again. */
  begin(): void {
    this.held = [];
    this.written = 0;
    this.dropped = false;
  }

  /**
   * One write during a run; `stream` sends a chunk live. Bounded by characters, not lines: one
   * line can be 40 MB (`os.write(1, b"A" * 40_000_000)`), so only what fits is streamed and held.
   */
  write(chunk: OutputChunk, stream: (chunk: OutputChunk) => void): void {
    const before = this.written;
    const { text } = chunk;
    this.written += text.length;
    const liveRoom = this.maxOutputBytes / 2 - before;
    if (liveRoom > 0) stream(text.length <= liveRoom ? chunk : { ...chunk, text: text.slice(0, liveRoom) });
    // The capture keeps at most the cap of it, a head and a tail.
    const holdRoom = this.maxOutputBytes * 2 - before;
    if (holdRoom > 0) this.hold(liveRoom > 0 ? `${chunk.stream}/streamed` : chunk.stream, text.length <= holdRoom ? text : text.slice(0, holdRoom));
    if (text.length > holdRoom && !this.dropped) {
      this.dropped = true;
      this.hold('stderr', DROPPED_NOTE);
    }
  }

  /** Holds a line and raises the flag, so the capture's next write takes it. */
  private hold(name: string, text: string): void {
    this.held.push([name, text]);
    if (this.flagAddress !== undefined) this.memory()[this.flagAddress] = 1;
  }

  /** The held lines, as JSON, for the capture (called from Python). */
  take(): string {
    const held = this.held;
    this.held = [];
    return JSON.stringify(held);
  }
}
