/**
 * Wheel downloads stop with a real AbortSignal (their connection closed) when nobody waits for
 * them any more: at the index's time bound, when the run that asked ends, and at `dispose()`.
 * The server sends a wheel's first bytes and never the rest.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { type IncomingMessage, createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PackageBroker } from '../../src/sandbox/packages/package-broker.js';
import { type Listening, listenOnLoopback, ownPathPrefix } from '../support/loopback.js';

const own = ownPathPrefix();
let server: Listening;
/** Each stalled request, with a promise that settles when its connection closes. */
const stalled: Array<{ path: string; closed: Promise<void> }> = [];
let base: string;

beforeAll(async () => {
  server = await listenOnLoopback(
    createServer((request: IncomingMessage, response) => {
      const path = own.within(request.url);
      if (path === '/simple/slow/') {
        const file = {
          filename: 'slow-1.0-py3-none-any.whl',
          url: `${own.prefix}/index-files/slow-1.0-py3-none-any.whl`,
          hashes: { sha256: createHash('sha256').update('x').digest('hex') },
        };
        return void response.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' }).end(JSON.stringify({ files: [file] }));
      }
      if (path === '/simple/mute/') return; // never answered
      if (path?.endsWith('.whl')) {
        stalled.push({ path, closed: new Promise((resolve) => response.on('close', () => resolve())) });
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '1000000' });
        return void response.write(Buffer.alloc(1000, 1)); // and never the rest
      }
      response.writeHead(404).end();
    }),
  );
  base = `${server.origin}${own.prefix}/`;
});
afterAll(() => server?.close());

const lock = JSON.stringify({ packages: { stall: { name: 'stall', file_name: 'stall-1.0-py3-none-any.whl', imports: ['stall'] } } });
const broker = (bounds = {}) => new PackageBroker(lock, () => `${base}lock/`, `${base}simple/`, bounds);

/** The stalled request for `path`, once the server has it (within `waitMs`). */
async function stalledRequest(path: string, waitMs = 5000): Promise<{ closed: Promise<void> }> {
  for (let i = 0; i < waitMs / 25; i++) {
    const found = stalled.find((request) => request.path === path);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the server never got ${path}`);
}

/** Settles within `ms`, or fails the test saying what did not happen. */
const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms))]);

describe('wheel downloads stop', () => {
  it('when the run that asked for the wheel ends: the request is closed', async () => {
    const packages = broker();
    const run = new AbortController();
    const wheel = packages.fetch('stall-1.0-py3-none-any.whl', run.signal);
    wheel.catch(() => undefined);
    const request = await stalledRequest('/lock/stall-1.0-py3-none-any.whl');
    run.abort(new Error('the run ended'));
    await expect(within(wheel, 2000, 'the refusal')).rejects.toThrow(/the run ended/);
    await within(request.closed, 2000, 'closing the request');
  });

  it('at dispose(): the request is closed', async () => {
    const packages = broker();
    stalled.length = 0;
    const wheel = packages.fetch('stall-1.0-py3-none-any.whl');
    wheel.catch(() => undefined);
    const request = await stalledRequest('/lock/stall-1.0-py3-none-any.whl');
    packages.dispose();
    await expect(within(wheel, 2000, 'the refusal')).rejects.toThrow(/disposed/);
    await within(request.closed, 2000, 'closing the request');
  });

  it("at the index's time bound: the resolution fails saying so, and the request is closed", async () => {
    const packages = broker({ timeMs: 1500 });
    const resolved = packages.fromIndex(['slow']);
    resolved.catch(() => undefined);
    const request = await stalledRequest('/index-files/slow-1.0-py3-none-any.whl');
    await expect(within(resolved, 5000, 'the refusal')).rejects.toThrow(/took over 1.5 s to download/);
    await within(request.closed, 2000, 'closing the request');
  });

  it("at the index's time bound while resolving: the failure says the index took too long, not a download", async () => {
    const packages = broker({ timeMs: 1000 });
    await expect(within(packages.fromIndex(['mute']), 5000, 'the refusal')).rejects.toThrow(/the package index took too long/);
  });

  it('when the run that asked for an index resolution ends: the resolution stops and is not remembered as a failure', async () => {
    const packages = broker();
    const run = new AbortController();
    stalled.length = 0;
    const resolved = packages.fromIndex(['slow'], run.signal);
    resolved.catch(() => undefined);
    const request = await stalledRequest('/index-files/slow-1.0-py3-none-any.whl');
    run.abort(new Error('the run ended before its packages came'));
    await expect(within(resolved, 2000, 'the refusal')).rejects.toThrow(/the run ended/);
    await within(request.closed, 2000, 'closing the request');
    stalled.length = 0;
    const again = packages.fromIndex(['slow'], AbortSignal.timeout(500));
    again.catch(() => undefined);
    await stalledRequest('/index-files/slow-1.0-py3-none-any.whl');
    packages.dispose();
  });

  it('so a Node host exits once its sandbox is disposed, while the index still holds a wheel open', { timeout: 120_000 }, async () => {
    stalled.length = 0;
    const library = new URL('../../dist/index.node.js', import.meta.url).href;
    const script = `
      const { PythonSandbox } = await import(${JSON.stringify(library)});
      const sandbox = await PythonSandbox.create({ packageIndex: ${JSON.stringify(`${base}simple/`)}, warmSpare: false });
      const run = sandbox.run('import slow', { timeoutMs: 60_000 });
      setTimeout(async () => { await sandbox.dispose(); console.log('disposed'); }, 3000);
      await run.catch(() => undefined);
    `;
    const host = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    host.stdout.on('data', (chunk: Buffer) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => host.on('exit', resolve));
    try {
      // The host boots Python first: seconds, more on a loaded machine.
      const request = await stalledRequest('/index-files/slow-1.0-py3-none-any.whl', 90_000);
      await within(request.closed, 60_000, 'closing the request');
      await within(exited, 15_000, 'the host exiting');
      expect(output).toContain('disposed');
    } finally {
      host.kill();
    }
  });
});
