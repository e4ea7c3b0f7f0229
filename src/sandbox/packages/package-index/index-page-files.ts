/**
 * A PEP 691 project page as the resolver may use it: the answer checked (status, content type,
 * size), its file list parsed and each entry checked (a wheel with an http(s) URL resolved
 * against the page and a SHA-256), the rest dropped. Shared by the index-page worker and the
 * in-page fallback (index-page-reader.ts).
 */
import { readCapped } from '../../downloads/checked-fetch.js';
import type { IndexFile } from './dependency-resolver.js';

/** A project page's JSON: numpy's, with every release and platform, is about 1 MB. */
export const MAX_INDEX_PAGE_BYTES = 8 * 1024 * 1024;
const SIMPLE_JSON = 'application/vnd.pypi.simple.v1+json';
/** What a project page is asked for as (PEP 691's JSON, plain JSON accepted). */
export const PAGE_ACCEPT = `${SIMPLE_JSON}, application/json;q=0.1`;
const SHA256 = /^[0-9a-f]{64}$/;

/** The page's bytes, bounded; undefined when the index has no such project; throws for an answer that is not a page. */
export async function pageBytes(response: Response, url: string, project: string): Promise<Uint8Array | undefined> {
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!response.ok) throw new Error(`the package index answered HTTP ${response.status} for ${url}`);
  const type = response.headers.get('content-type') ?? '';
  if (!/^application\/(vnd\.pypi\.simple\.v1\+)?json/i.test(type))
    throw new Error(`the package index answered ${url} with ${type.slice(0, 80) || 'no content type'}, not PEP 691 JSON (is it a PyPI-compatible index?)`);
  return readCapped(response, MAX_INDEX_PAGE_BYTES, `the index page of ${project}`);
}

/** The `files` array of the page's bytes, or an error naming what is wrong with the page. */
export function fileEntries(bytes: Uint8Array, project: string): unknown[] {
  let page: unknown;
  try {
    page = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error(`the package index sent a page for ${project} that is not JSON`);
  }
  const files = (page as { files?: unknown })?.files;
  if (!Array.isArray(files)) throw new Error(`the package index sent a page for ${project} without a file list`);
  return files;
}

/** One file entry of a PEP 691 page, or undefined when it cannot be used (not a wheel, no SHA-256, not http(s)). */
export function checkedFile(entry: unknown, base: string): IndexFile | undefined {
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
