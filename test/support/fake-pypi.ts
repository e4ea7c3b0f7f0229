/**
 * A Python package index on loopback, built from real wheels (scripts/download-index-wheels.mjs
 * fetches them with pip): the PEP 691 JSON simple API (`/simple/<name>/`), each wheel's PEP 658
 * metadata file (`<wheel>.metadata`, read out of the wheel) and the wheels, with CORS, as pypi.org
 * serves them. File URLs on the pages are relative, as an index may give them. It can also serve
 * a lock file's wheels from the same folder (`lockBaseUrl`), for the lock's packages Pyodide's CDN
 * would serve, and swap a wheel's bytes (`tampered`) while its page keeps the genuine SHA-256.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { listenOnLoopback, ownPathPrefix } from './loopback.js';

export const INDEX_WHEELS_DIR = join(import.meta.dirname, '../../node_modules/.cache/python-index-wheels');

/** Why the real wheels are not there (then the suites that need them skip), or undefined. */
export function indexWheelsMissing(): string | undefined {
  if (existsSync(join(INDEX_WHEELS_DIR, 'downloaded.json'))) return undefined;
  try {
    execFileSync('node', [join(import.meta.dirname, '../../scripts/download-index-wheels.mjs')], { stdio: ['ignore', 'ignore', 'pipe'] });
    return undefined;
  } catch (error) {
    return `the real wheels of the loopback package index are missing: scripts/download-index-wheels.mjs failed (${String(
      (error as { stderr?: Buffer }).stderr ?? error,
    )
      .trim()
      .slice(0, 300)})`;
  }
}

export interface FakeIndex {
  /** The simple API root: use as `packageIndex`. */
  indexUrl: string;
  /** Serves the same folder's wheels by file name: use as `packageBaseUrl` for a lock file made with `lockWith`. */
  lockBaseUrl: string;
  /** Paths asked so far. */
  requests: string[];
  /** The SHA-256 of a wheel in the folder. */
  sha256(fileName: string): string;
  /** The wheel file of a project. */
  wheelOf(project: string): string;
  close(): Promise<void>;
}

const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** `tampered`: projects whose wheel bytes are swapped (one byte flipped) while the page keeps the genuine SHA-256. */
export async function startFakeIndex({ tampered = [] as string[] } = {}): Promise<FakeIndex> {
  const wheels = readdirSync(INDEX_WHEELS_DIR).filter((name) => name.endsWith('.whl'));
  const bytes = new Map(wheels.map((name) => [name, readFileSync(join(INDEX_WHEELS_DIR, name))]));
  const hash = (data: Buffer) => createHash('sha256').update(data).digest('hex');
  const metadata = new Map<string, string>(
    Object.entries(
      JSON.parse(
        execFileSync(
          'python3',
          [
            '-c',
            'import sys, zipfile, json\nout = {}\nfor p in sys.argv[1:]:\n    z = zipfile.ZipFile(p)\n    out[p.rsplit("/", 1)[-1]] = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode()\nprint(json.dumps(out))',
            ...wheels.map((name) => join(INDEX_WHEELS_DIR, name)),
          ],
          { encoding: 'utf8', maxBuffer: 64 << 20 },
        ),
      ) as Record<string, string>,
    ),
  );
  const projectOf = (fileName: string) => normalize(fileName.split('-')[0]);
  const requests: string[] = [];
  const own = ownPathPrefix();
  const server = createServer((request, response) => {
    const path = own.within(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    if (path === undefined) return void response.writeHead(404).end('not found');
    requests.push(path);
    response.setHeader('access-control-allow-origin', '*');
    const page = /^\/simple\/([a-z0-9-]+)\/$/.exec(path);
    if (page) {
      const files = wheels.filter((name) => projectOf(name) === page[1]);
      if (files.length === 0) return void response.writeHead(404).end('not found');
      const body = JSON.stringify({
        meta: { 'api-version': '1.1' },
        name: page[1],
        files: files.map((name) => ({
          filename: name,
          url: `../../files/${encodeURIComponent(name)}`,
          hashes: { sha256: hash(bytes.get(name)!) },
          'requires-python': /^Requires-Python: (.*)$/m.exec(metadata.get(name) ?? '')?.[1]?.trim(),
          'core-metadata': { sha256: hash(Buffer.from(metadata.get(name) ?? '')) },
          size: bytes.get(name)!.length,
        })),
      });
      return void response.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' }).end(body);
    }
    const file = /^\/(?:files|lock)\/([^/]+)$/.exec(path)?.[1];
    if (file?.endsWith('.metadata') && metadata.has(file.slice(0, -9)))
      return void response.writeHead(200, { 'content-type': 'text/plain' }).end(metadata.get(file.slice(0, -9)));
    const wheel = file && bytes.get(file);
    if (wheel) {
      const served = tampered.includes(projectOf(file)) ? Buffer.concat([wheel.subarray(0, -1), Buffer.from([wheel.at(-1)! ^ 1])]) : wheel;
      return void response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(served);
    }
    response.writeHead(404).end('not found');
  });
  const listening = await listenOnLoopback(server);
  return {
    indexUrl: `${listening.origin}${own.prefix}/simple/`,
    lockBaseUrl: `${listening.origin}${own.prefix}/lock/`,
    requests,
    sha256: (fileName) => hash(bytes.get(fileName)!),
    wheelOf: (project) => wheels.find((name) => projectOf(name) === normalize(project))!,
    close: listening.close,
  };
}

/**
 * Pyodide's lock file with `drop` removed (so the index provides them) and `fromFolder` pointed
 * at this folder's wheels (so `lockBaseUrl` serves them with their real SHA-256): the CDN that
 * serves the lock's own wheels cannot be reached from here.
 */
export function lockWith(index: FakeIndex, { drop = [] as string[], fromFolder = [] as string[] } = {}): string {
  const lock = JSON.parse(readFileSync(join(import.meta.dirname, '../../node_modules/pyodide/pyodide-lock.json'), 'utf8'));
  for (const name of drop) delete lock.packages[name];
  for (const name of fromFolder) {
    const fileName = index.wheelOf(name);
    Object.assign(lock.packages[name], { file_name: fileName, sha256: index.sha256(fileName) });
  }
  return JSON.stringify(lock);
}
