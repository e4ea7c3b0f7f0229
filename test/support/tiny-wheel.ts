/**
 * A pure-Python wheel built on the spot and served from localhost with a custom lock file, so
 * the package auto-load path is tested without the internet (the npm package ships no wheels).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenOnLoopback, ownPathPrefix } from './loopback.js';

export const TINY_PACKAGE = 'tinypkg';
export const TINY_WHEEL = `${TINY_PACKAGE}-1.0.0-py3-none-any.whl`;
const WHEEL = TINY_WHEEL;

/** argv: the wheel's path, then the value of `tinypkg.ANSWER`. */
const BUILD_WHEEL = `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("tinypkg/__init__.py", "ANSWER = " + sys.argv[2] + "\\ndef greet(name):\\n    return f'hello {name}'\\n")
    z.writestr("tinypkg-1.0.0.dist-info/METADATA", "Metadata-Version: 2.1\\nName: tinypkg\\nVersion: 1.0.0\\n")
    z.writestr("tinypkg-1.0.0.dist-info/WHEEL", "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
    z.writestr("tinypkg-1.0.0.dist-info/RECORD", "")
`;

export interface WheelServer {
  /** Serves the wheel; use as `packageBaseUrl`. */
  baseUrl: string;
  /** Pyodide's own lock file plus an entry for tinypkg. */
  lockFileContents: string;
  /** Paths requested so far. */
  requests: string[];
  close(): Promise<void>;
}

function buildWheel(path: string, answer: number): Buffer {
  execFileSync('python3', ['-c', BUILD_WHEEL, path, String(answer)]);
  return readFileSync(path);
}

/**
 * `tampered`: the server answers with another wheel (its `ANSWER` is 666) under the same name,
 * while the lock file keeps the genuine wheel's SHA-256: a package server that swaps a package.
 */
export async function serveTinyWheel({ tampered = false } = {}): Promise<WheelServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tiny-wheel-'));
  const wheel = buildWheel(join(dir, WHEEL), 42);
  const served = tampered ? buildWheel(join(dir, `tampered-${WHEEL}`), 666) : wheel;
  const lock = JSON.parse(readFileSync(join(import.meta.dirname, '../../node_modules/pyodide/pyodide-lock.json'), 'utf8'));
  lock.packages[TINY_PACKAGE] = {
    name: TINY_PACKAGE,
    version: '1.0.0',
    file_name: WHEEL,
    install_dir: 'site',
    sha256: createHash('sha256').update(wheel).digest('hex'),
    package_type: 'package',
    imports: [TINY_PACKAGE],
    depends: [],
    unvendored_tests: false,
    shared_library: false,
  };
  const requests: string[] = [];
  const own = ownPathPrefix();
  const server: Server = createServer((req, res) => {
    const path = own.within(req.url) ?? '';
    requests.push(path);
    if (path === `/${WHEEL}`) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'access-control-allow-origin': '*' });
      res.end(served);
    } else {
      res.writeHead(404).end();
    }
  });
  const listening = await listenOnLoopback(server);
  return {
    baseUrl: `${listening.origin}${own.prefix}/`,
    lockFileContents: JSON.stringify(lock),
    requests,
    close: listening.close,
  };
}
