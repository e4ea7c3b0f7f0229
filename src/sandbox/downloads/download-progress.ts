/**
 * Byte progress of the files a first visit downloads at once (the runtime and the shipped
 * snapshot): bytes received so far out of the expected total, reported a few times a second so a
 * slow link (a phone: 9 Mbit/s, 10 MB) never waits in silence.
 */
import { counted } from './byte-streams.js';

/** How often progress is reported while bytes arrive. */
const REPORT_EVERY_MS = 150;
/** Below this total nothing is reported: a return visit revalidates only small files, and a flash of "0.1 MB" says nothing. */
const MIN_REPORTED_BYTES = 1e6;

export interface ByteCount {
  loaded: number;
  total: number;
}

export class DownloadProgress {
  private loaded = 0;
  private total = 0;
  private lastReport = -Infinity;

  constructor(private readonly report: (bytes: ByteCount) => void) {}

  /**
   * The body of `response`, counted. Its size: `knownBytes` (recorded when the package was built)
   * when given, else its Content-Length unless the server encoded it (then the header counts
   * compressed bytes while the body yields decoded ones); unknown sizes add nothing to the total.
   * A body longer than expected grows the total, so progress never passes 100%.
   */
  track(response: Response, knownBytes?: number): ReadableStream<Uint8Array> | null {
    if (!response.body) return null;
    return counted(response.body, this.expect(knownBytes, response.headers.get('content-length'), response.headers.get('content-encoding')));
  }

  /**
   * A body read elsewhere (the download worker), by its headers' values, as {@link track} counts
   * one: call the function returned with the size of each chunk that arrives.
   */
  expect(knownBytes: number | undefined, contentLength: string | null, contentEncoding: string | null): (n: number) => void {
    const header = Number(contentLength);
    let expected = knownBytes ?? (!contentEncoding && header > 0 ? header : 0);
    this.total += expected;
    let received = 0;
    return (n) => {
      received += n;
      this.loaded += n;
      if (received > expected) {
        this.total += received - expected;
        expected = received;
      }
      this.maybeReport();
    };
  }

  private maybeReport(): void {
    if (this.total < MIN_REPORTED_BYTES) return;
    const now = performance.now();
    if (now - this.lastReport < REPORT_EVERY_MS && this.loaded < this.total) return;
    this.lastReport = now;
    this.report({ loaded: this.loaded, total: this.total });
  }
}

/** "Downloading Python (4.2 of 10.4 MB)": what the wait is, in numbers that move. */
export function downloadingMessage({ loaded, total }: ByteCount): string {
  const mb = (n: number) => (n / 1e6).toFixed(1);
  return total > 0 ? `Downloading Python (${mb(loaded)} of ${mb(total)} MB)` : `Downloading Python (${mb(loaded)} MB)`;
}
