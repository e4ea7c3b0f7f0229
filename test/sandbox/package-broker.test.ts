/**
 * The host-side wheel broker of isolated mode, against a local package server: what the worker
 * asks for reaches the server once per wheel, and is handed over without a copy per request.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FAILURE_MEMORY_MS, PackageBroker } from '../../src/sandbox/packages/package-broker.js';
import { openWheelStore } from '../../src/sandbox/packages/wheel-store.js';
import { ownPathPrefix } from '../support/loopback.js';

const WHEEL = new Uint8Array(2 * 1024 * 1024).fill(7);
let server: Server;
let baseUrl: string;
const hits = new Map<string, number>();
/** The headers of the last request the server got. */
let lastHeaders: Record<string, string | string[] | undefined> = {};

const own = ownPathPrefix();
/** Compared as bytes: `toEqual` on 2 MB takes seconds. */
const sameBytes = (data: ArrayBuffer, expected: Uint8Array) => Buffer.from(data).equals(expected);

beforeAll(async () => {
  server = createServer((req, res) => {
    const name = own.within(req.url)?.slice(1) ?? '';
    hits.set(name, (hits.get(name) ?? 0) + 1);
    lastHeaders = req.headers;
    if (name === 'present-1.0-py3-none-any.whl') res.end(WHEEL);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${own.prefix}/`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

function broker(): PackageBroker {
  hits.clear();
  const packages = {
    present: { name: 'present', file_name: 'present-1.0-py3-none-any.whl', imports: ['present'] },
    missing: { name: 'missing', file_name: 'missing-1.0-py3-none-any.whl', imports: ['missing'] },
  };
  return new PackageBroker(JSON.stringify({ packages }), () => baseUrl);
}

describe('PackageBroker', () => {
  it('downloads a wheel once and hands every request the same Blob (no copy per request)', async () => {
    const b = broker();
    const wheels = await Promise.all(Array.from({ length: 100 }, () => b.fetch('present-1.0-py3-none-any.whl')));
    expect(hits.get('present-1.0-py3-none-any.whl')).toBe(1);
    expect(new Set(wheels).size).toBe(1);
    expect(sameBytes(await wheels[0].arrayBuffer(), WHEEL)).toBe(true);
  });

  it('keeps nothing of a wheel once it is handed over: the next request gets it again, and its size is known', async () => {
    const b = broker();
    const first = await b.fetch('present-1.0-py3-none-any.whl');
    const second = await b.fetch('present-1.0-py3-none-any.whl');
    expect(second).not.toBe(first);
    expect(hits.get('present-1.0-py3-none-any.whl')).toBe(2);
    expect(b.knownSize('present-1.0-py3-none-any.whl')).toBe(WHEEL.byteLength);
  });

  it('never takes a wheel the lock file gives no SHA-256 from the wheel store, which anyone may have written', async () => {
    await (await openWheelStore())!.put(`${baseUrl}present-1.0-py3-none-any.whl`, new Uint8Array([1, 2, 3]).buffer);
    const wheel = await broker().fetch('present-1.0-py3-none-any.whl');
    expect(sameBytes(await wheel.arrayBuffer(), WHEEL)).toBe(true);
    expect(hits.get('present-1.0-py3-none-any.whl')).toBe(1);
  });

  it('remembers a failed download: asking again reaches no server', async () => {
    const b = broker();
    for (let i = 0; i < 20; i++) await expect(b.fetch('missing-1.0-py3-none-any.whl')).rejects.toThrow(/HTTP 404/);
    expect(hits.get('missing-1.0-py3-none-any.whl')).toBe(1);
  });

  it('tries a failed download again once FAILURE_MEMORY_MS has passed (a dropped connection recovers)', async () => {
    const b = broker();
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      await expect(b.fetch('missing-1.0-py3-none-any.whl')).rejects.toThrow(/HTTP 404/);
      vi.advanceTimersByTime(FAILURE_MEMORY_MS + 1);
      await expect(b.fetch('missing-1.0-py3-none-any.whl')).rejects.toThrow(/HTTP 404/);
    } finally {
      vi.useRealTimers();
    }
    expect(hits.get('missing-1.0-py3-none-any.whl')).toBe(2);
  });

  it('refuses a file that is not in the lock file, reaching no server', async () => {
    const b = broker();
    await expect(b.fetch('../api/secret')).rejects.toThrow(/not a package of the lock file/);
    expect(hits.size).toBe(0);
  });

  it('asks the package server with no cookies, no referrer and nothing from the HTTP cache (what a browser would send: Node sends neither)', async () => {
    const asked = vi.spyOn(globalThis, 'fetch');
    try {
      await broker().fetch('present-1.0-py3-none-any.whl');
      expect(asked).toHaveBeenCalledTimes(1);
      expect(asked.mock.calls[0][1]).toMatchObject({ credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store' });
    } finally {
      asked.mockRestore();
    }
    expect(lastHeaders.cookie).toBeUndefined();
    expect(lastHeaders.referer).toBeUndefined();
  });

  it('knows the names of the lock file, and no others', () => {
    const b = broker();
    expect([b.knows('present'), b.knows('your-api-key-expired')]).toEqual([true, false]);
  });
});
