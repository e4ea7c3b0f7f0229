/**
 * Which `Host` and `Origin` headers the HTTP server answers, whatever address it listens on: a
 * page the user visits can neither reach it under a name of its own (DNS rebinding: the page's
 * name resolves to this machine, so the browser sends `Host: evil.example`) nor drive it from
 * another origin. Allowed are this machine's loopback names, the listen address itself (unless it
 * is a wildcard such as `0.0.0.0`, which names no host) and the names the user configured.
 */
import { isIPv6 } from 'node:net';

/** Loopback names a local client's `Host` carries. */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The host names (lower-case, IPv6 in brackets, no port) a request's `Host` and `Origin` may name.
 * @param listenHost The address the server listens on.
 * @param explicit Further names, e.g. the container's name other containers reach it by.
 */
export function allowedHostNames(listenHost: string, explicit: readonly string[] = []): ReadonlySet<string> {
  const names = new Set(LOOPBACK_HOSTS);
  if (!isWildcard(listenHost)) names.add(normalize(listenHost));
  for (const name of explicit) names.add(normalize(name));
  return names;
}

/** Whether `Host` names an allowed host and `Origin`, when a browser sends one, does too. */
export function hostAndOriginAllowed(host: string | undefined, origin: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (host === undefined || !allowed.has(withoutPort(host.toLowerCase()))) return false;
  // No Origin: a program, not a browser.
  if (origin === undefined) return true;
  try {
    return allowed.has(withoutPort(new URL(origin).host.toLowerCase()));
  } catch {
    return false;
  }
}

/** The host of the URL the server prints: the listen address, or a loopback one for a wildcard. */
export function urlHostOf(listenHost: string): string {
  if (listenHost === '0.0.0.0') return '127.0.0.1';
  if (isWildcard(listenHost)) return '[::1]';
  return isIPv6(listenHost) ? `[${listenHost}]` : listenHost;
}

/** `0.0.0.0`, `::` and its longer spellings: every address, no host name. */
function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || (isIPv6(host) && /^[0:]+$/.test(host));
}

function normalize(name: string): string {
  const lower = name.toLowerCase();
  return isIPv6(lower) ? `[${lower}]` : withoutPort(lower);
}

/** `name:port` or `[v6]:port` without the port. */
function withoutPort(host: string): string {
  return host.replace(/:\d+$/, '');
}
