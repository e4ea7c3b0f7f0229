/**
 * How the host asks a package server or index for anything (project pages, metadata, wheels):
 * the code chose the names, so the request carries nothing of the page's own. No cookies
 * (`credentials: 'omit'`, also for a same-origin `packageBaseUrl`), no `Referer`, nothing from or
 * into the HTTP cache (verified wheels are kept in the wheel store instead), and redirects
 * bounded and counted: in Node each hop is followed here, at most `MAX_REDIRECTS` per URL, each
 * one a request of the caller's budget; browsers give no `Location` to script (`manual` answers
 * an opaque redirect), so there the browser follows them, at most 20 (the Fetch standard's
 * limit), and a redirected answer counts as one more request.
 */
import { isNode } from '../../shared/is-node.js';

/** Redirects followed for one URL (Node): an index that needs more is misconfigured or hostile. */
export const MAX_REDIRECTS = 5;

const REDIRECT = new Set([301, 302, 303, 307, 308]);

/** A request this side refused to make (a bound, a redirect it will not follow): said as it is, not as "could not reach". */
export class RefusedRequest extends Error {}

export interface PackageFetchOptions {
  accept?: string;
  signal?: AbortSignal;
  /** Called before each HTTP request (each redirect hop too); throws (a `RefusedRequest`) to refuse it. */
  spend?: () => void;
}

/** The options every package request is made with (exported for the tests of what a browser would send). */
export function packageRequestInit(accept: string | undefined, signal: AbortSignal | undefined): RequestInit {
  return {
    headers: accept ? { accept } : undefined,
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
    cache: 'no-store',
    redirect: isNode ? 'manual' : 'follow',
    signal,
  };
}

/** GETs `url` as described above; the answer may be any status (the caller decides), its `url` the last hop's. */
export async function fetchPackageFile(url: string | URL, { accept, signal, spend }: PackageFetchOptions = {}): Promise<Response> {
  const init = packageRequestInit(accept, signal);
  let current = new URL(url);
  for (let hops = 0; ; hops++) {
    spend?.();
    const response = await fetch(current, init);
    if (!isNode) {
      if (response.redirected) spend?.();
      return response;
    }
    const location = REDIRECT.has(response.status) ? response.headers.get('location') : null;
    if (location === null) return withUrl(response, current);
    await response.body?.cancel().catch(() => undefined);
    if (hops >= MAX_REDIRECTS) throw new RefusedRequest(`${url} redirected more than ${MAX_REDIRECTS} times; refused`);
    const next = new URL(location, current);
    if (next.protocol !== 'https:' && next.protocol !== 'http:') throw new RefusedRequest(`${url} redirected to a ${next.protocol} URL; refused`);
    current = next;
  }
}

/** Node's `manual` answers keep the URL asked for; relative URLs on a page resolve against it. */
function withUrl(response: Response, url: URL): Response {
  if (response.url === url.href) return response;
  Object.defineProperty(response, 'url', { value: url.href });
  return response;
}
