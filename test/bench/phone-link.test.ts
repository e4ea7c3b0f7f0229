import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type PhoneLink, startPhoneLink } from '../../bench/phone-link.mjs';

const BODY = Buffer.alloc(100_000, 1);

describe('the emulated phone link (bench/phone-link.mjs)', () => {
  let server: ReturnType<typeof createServer>;
  let link: PhoneLink;
  beforeAll(async () => {
    server = createServer((_request, response) => response.end(BODY));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    link = await startPhoneLink(port, { downBytesPerSecond: 400_000, upBytesPerSecond: 400_000, rttMs: 10 });
  });
  afterAll(async () => {
    await link.close();
    await new Promise((resolve) => server.close(resolve));
  });

  test('shares its rate among connections: two equal downloads started together end together', async () => {
    const started = performance.now();
    // Two connections (no keep-alive pooling between them): each its own socket through the link.
    const download = async (path: string) => {
      const response = await fetch(`${link.origin}${path}`, { headers: { connection: 'close' } });
      expect((await response.arrayBuffer()).byteLength).toBe(BODY.length);
      return performance.now() - started;
    };
    const [a, b] = await Promise.all([download('/a'), download('/b')]);
    // One after the other, the first would end at half the time of the second.
    expect(Math.min(a, b) / Math.max(a, b)).toBeGreaterThan(0.8);
    // And together they take the link's time for both: 200 kB at 400 kB/s.
    expect(Math.max(a, b)).toBeGreaterThan(400);
  });
});
