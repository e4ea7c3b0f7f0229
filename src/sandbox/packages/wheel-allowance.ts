/**
 * What one interpreter is handed of the wheels it asks the host for. The worker runs untrusted
 * code, so its requests are bounded per run: by count (each one is also a signal to the package
 * server) and by bytes. A worker that reads Blobs gets a handle; one that cannot (WebKit's
 * isolated `data:` worker) gets a copy of the bytes, so it gets each wheel at most once: its
 * Pyodide keeps what it loaded, and an honest worker never asks twice.
 */

/** Wheels one run may ask for: far more than any real import needs, few enough to bound a covert channel. */
export const MAX_PACKAGE_REQUESTS_PER_RUN = 64;
/** Bytes of wheels one run may be handed: numpy, pandas, scipy and matplotlib together are about 40 MB. */
export const MAX_PACKAGE_BYTES_PER_RUN = 256 * 1024 * 1024;

/** Requests to the package index one run may make: each names packages to a server, a channel out. */
export const MAX_INDEX_REQUESTS_PER_RUN = 2;

export class WheelAllowance {
  private requests = 0;
  private indexRequests = 0;
  private bytes = 0;
  private readonly copied = new Set<string>();

  /** A run begins: its bounds start again (what was copied stays copied). */
  beginRun(): void {
    this.requests = 0;
    this.bytes = 0;
    this.indexRequests = 0;
  }

  /** Before asking the package index for the current run; throws when over the bound. */
  askIndex(): void {
    if (++this.indexRequests > MAX_INDEX_REQUESTS_PER_RUN) throw new Error(`at most ${MAX_INDEX_REQUESTS_PER_RUN} package index requests per run`);
  }

  /**
   * Before fetching `fileName` for the current run; throws when the request is over a bound.
   * `knownBytes`, the wheel's size when it was handed over before, is reserved at once, so
   * requests that would go over the bytes per run are refused before the wheel is read again.
   * Returns what was reserved, for `take`.
   */
  ask(fileName: string, copies: boolean, knownBytes?: number): number {
    if (++this.requests > MAX_PACKAGE_REQUESTS_PER_RUN) throw new Error(`at most ${MAX_PACKAGE_REQUESTS_PER_RUN} package downloads per run`);
    if (copies && this.copied.has(fileName)) throw new Error(`${fileName} was already handed to this interpreter`);
    if (knownBytes === undefined) return 0;
    if (this.bytes + knownBytes > MAX_PACKAGE_BYTES_PER_RUN) throw this.overBytes();
    this.bytes += knownBytes;
    return knownBytes;
  }

  /** Once the wheel is in hand, before handing it over; throws when it would go over the bytes per run. */
  take(fileName: string, bytes: number, copies: boolean, reserved = 0): void {
    this.bytes -= reserved;
    if (this.bytes + bytes > MAX_PACKAGE_BYTES_PER_RUN) throw this.overBytes();
    this.bytes += bytes;
    if (copies) this.copied.add(fileName);
  }

  private overBytes(): Error {
    return new Error(`at most ${MAX_PACKAGE_BYTES_PER_RUN / 1024 / 1024} MB of packages per run`);
  }
}
