/**
 * Reads a PEP 691 (JSON simple API) package index for the resolver: a project's files, and the
 * PEP 658 / 714 metadata file beside a wheel. Everything the index sends is bounded before it is
 * parsed (page and metadata sizes, requests per resolution) and checked before it is used: file
 * URLs are resolved against the page that gave them and must be http(s), each file must carry a
 * SHA-256, and metadata with a hash must match it. No cookies or referrer go to the index, and
 * each redirect counts as a request (package-fetch.ts).
 */
import { readCapped } from '../../downloads/checked-fetch.js';
import { sha256Hex } from '../../../shared/memory/bytes.js';
import { RefusedRequest, fetchPackageFile } from '../../downloads/package-fetch.js';
import type { IndexFile, IndexSource } from './dependency-resolver.js';
import { PAGE_ACCEPT } from './index-page-files.js';
import { IndexUnreachable, readIndexPage } from './index-page-reader.js';

/** A wheel's core metadata: a long README included, far below this. */
export const MAX_METADATA_BYTES = 1024 * 1024;

export class IndexClient implements IndexSource {
  private requests = 0;

  /**
   * @param root the index's simple API root (`https://pypi.org/simple/`)
   * @param maxRequests requests this client may make (pages and metadata)
   */
  constructor(
    private readonly root: string,
    private readonly signal: AbortSignal,
    private readonly maxRequests: number,
  ) {}

  async files(project: string): Promise<IndexFile[] | undefined> {
    const url = new URL(`${encodeURIComponent(project)}/`, this.root);
    try {
      return await readIndexPage(url.href, project, this.signal, this.budget, () => this.get(url, PAGE_ACCEPT));
    } catch (error) {
      if (error instanceof RefusedRequest) throw error;
      if (this.signal.aborted) throw new Error(abortMessage(this.signal));
      if (error instanceof IndexUnreachable) throw new Error(`could not reach the package index at ${url.href} (${error.message})`);
      throw error;
    }
  }

  async metadata(file: IndexFile): Promise<string> {
    const url = `${file.url.split('#')[0]}.metadata`;
    const response = await this.get(new URL(url), 'text/plain, */*;q=0.1');
    if (!response.ok) throw new Error(`the package index answered HTTP ${response.status} for the metadata of ${file.filename}`);
    const bytes = await readCapped(response, MAX_METADATA_BYTES, `the metadata of ${file.filename}`);
    if (file.metadataSha256 && (await sha256Hex(bytes)) !== file.metadataSha256)
      throw new Error(`the metadata of ${file.filename} does not match its SHA-256 on the package index; refused`);
    return new TextDecoder().decode(bytes);
  }

  /** Counts a request (each redirect hop is one); throws past the bound, before anything is sent. */
  private spend = (): void => {
    if (++this.requests > this.maxRequests) throw new RefusedRequest(`more than ${this.maxRequests} requests to the package index in one run`);
  };

  private readonly budget = {
    spend: this.spend,
    refund: () => {
      this.requests--;
    },
  };

  private async get(url: URL, accept: string): Promise<Response> {
    try {
      return await fetchPackageFile(url, { accept, signal: this.signal, spend: this.spend });
    } catch (error) {
      if (error instanceof RefusedRequest) throw error;
      if (this.signal.aborted) throw new Error(abortMessage(this.signal));
      throw new Error(`could not reach the package index at ${url.href} (${(error as Error)?.message ?? error})`);
    }
  }
}

/** Why the index's answer was not waited for: the signal's reason says (the time bound, the run's end, a disposed sandbox). */
export function abortMessage(signal: AbortSignal): string {
  const reason = signal.reason as Error | undefined;
  if (reason instanceof Error && reason.name !== 'TimeoutError' && reason.name !== 'AbortError') return reason.message;
  return 'the package index took too long (the time for packages per run is over)';
}
