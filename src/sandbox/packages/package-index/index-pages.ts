/**
 * Reads a PEP 691 (JSON simple API) package index for the resolver: a project's files, and the
 * PEP 658 / 714 metadata file beside a wheel. Everything the index sends is bounded before it is
 * parsed (page and metadata sizes, requests per resolution) and checked before it is used: file
 * URLs are resolved against the page that gave them and must be http(s), each file must carry a
 * SHA-256, and metadata with a hash must match it. No cookies or referrer go to the index, and
 * each redirect counts as a request (package-fetch.ts).
 */
import { readCapped, sha256Hex } from '../../downloads/checked-fetch.js';
import { RefusedRequest, fetchPackageFile } from '../../downloads/package-fetch.js';
import type { IndexFile, IndexSource } from './dependency-resolver.js';
import { Pacer } from './pacer.js';

/** A project page's JSON: numpy's, with every release and platform, is about 1 MB. */
export const MAX_INDEX_PAGE_BYTES = 8 * 1024 * 1024;
/** A wheel's core metadata: a long README included, far below this. */
export const MAX_METADATA_BYTES = 1024 * 1024;

const SIMPLE_JSON = 'application/vnd.pypi.simple.v1+json';
const SHA256 = /^[0-9a-f]{64}$/;

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
    const response = await this.get(url, `${SIMPLE_JSON}, application/json;q=0.1`);
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel().catch(() => undefined);
      return undefined;
    }
    if (!response.ok) throw new Error(`the package index answered HTTP ${response.status} for ${url.href}`);
    const type = response.headers.get('content-type') ?? '';
    if (!/^application\/(vnd\.pypi\.simple\.v1\+)?json/i.test(type))
      throw new Error(
        `the package index answered ${url.href} with ${type.slice(0, 80) || 'no content type'}, not PEP 691 JSON (is it a PyPI-compatible index?)`,
      );
    const text = new TextDecoder().decode(await readCapped(response, MAX_INDEX_PAGE_BYTES, `the index page of ${project}`));
    let page: unknown;
    try {
      page = JSON.parse(text);
    } catch {
      throw new Error(`the package index sent a page for ${project} that is not JSON`);
    }
    const files = (page as { files?: unknown })?.files;
    if (!Array.isArray(files)) throw new Error(`the package index sent a page for ${project} without a file list`);
    const base = response.url || url.href;
    // Tens of thousands of entries fit in a page: checked a slice at a time.
    const pacer = new Pacer(this.signal);
    const checked: IndexFile[] = [];
    for (const file of files) {
      await pacer.step();
      const entry = checkedFile(file, base);
      if (entry) checked.push(entry);
    }
    return checked;
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

/** One file entry of a PEP 691 page, or undefined when it cannot be used (not a wheel, no SHA-256, not http(s)). */
function checkedFile(entry: unknown, base: string): IndexFile | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const file = entry as Record<string, unknown>;
  if (typeof file.filename !== 'string' || !/^[\w.!+-]{1,200}\.whl$/.test(file.filename) || typeof file.url !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(file.url, base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const sha256 = (file.hashes as Record<string, unknown> | undefined)?.sha256;
  if (typeof sha256 !== 'string' || !SHA256.test(sha256.toLowerCase())) return undefined;
  // PEP 714 renamed the key; indexes may still send the PEP 658 one.
  const metadata = file['core-metadata'] ?? file['data-dist-info-metadata'];
  const metadataSha256 = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>).sha256 : undefined;
  return {
    filename: file.filename,
    url: url.href,
    sha256: sha256.toLowerCase(),
    requiresPython: typeof file['requires-python'] === 'string' ? file['requires-python'].slice(0, 200) : undefined,
    yanked: !!file.yanked,
    hasMetadata: !!metadata,
    metadataSha256: typeof metadataSha256 === 'string' && SHA256.test(metadataSha256.toLowerCase()) ? metadataSha256.toLowerCase() : undefined,
    size: typeof file.size === 'number' && Number.isSafeInteger(file.size) && file.size >= 0 ? file.size : undefined,
  };
}

/** Why the index's answer was not waited for: the signal's reason says (the time bound, the run's end, a disposed sandbox). */
export function abortMessage(signal: AbortSignal): string {
  const reason = signal.reason as Error | undefined;
  if (reason instanceof Error && reason.name !== 'TimeoutError' && reason.name !== 'AbortError') return reason.message;
  return 'the package index took too long (the time for packages per run is over)';
}
