/**
 * Which Pyodide the canary tries: the one named on the command line, else the newest prerelease
 * on npm newer than the installed one.
 */
import { execFileSync } from 'node:child_process';

/** `314.0.7` → { core: [314, 0, 7], pre: [] }; `315.0.0-alpha.2` → { core: [315, 0, 0], pre: ['alpha', 2] }. */
function parse(version) {
  const [core, pre] = version.split('+')[0].split(/-(.*)/s);
  const part = (s) => (/^\d+$/.test(s) ? Number(s) : s);
  return { core: core.split('.').map(Number), pre: pre ? pre.split('.').map(part) : [] };
}

/** Semver order: negative when `a` comes before `b`. A prerelease comes before its release. */
export function compareVersions(a, b) {
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i] - y.core[i];
  if (!x.pre.length || !y.pre.length) return y.pre.length - x.pre.length;
  for (let i = 0; i < Math.min(x.pre.length, y.pre.length); i++) {
    const [p, q] = [x.pre[i], y.pre[i]];
    if (p === q) continue;
    if (typeof p === 'number' && typeof q === 'number') return p - q;
    if (typeof p === 'number') return -1;
    if (typeof q === 'number') return 1;
    return p < q ? -1 : 1;
  }
  return x.pre.length - y.pre.length;
}

export const isPrerelease = (version) => parse(version).pre.length > 0;

/** The newest prerelease of `pyodide` on npm newer than `installed`, or undefined. */
export function newestPrerelease(installed) {
  const versions = JSON.parse(execFileSync('npm', ['view', 'pyodide', 'versions', '--json'], { encoding: 'utf8' }));
  return versions
    .filter((v) => isPrerelease(v) && compareVersions(v, installed) > 0)
    .sort(compareVersions)
    .at(-1);
}
