/**
 * The index's wheels are bounded in bytes as they stream, decoded: a gzip-encoded answer
 * (`Content-Encoding`) that unpacks to far more than it weighs is stopped at the bound, and so is
 * a body longer than the size the index's page stated. The request is closed there.
 */
import { createHash } from 'node:crypto';
import { type ServerResponse, createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PackageBroker } from '../../src/sandbox/packages/package-broker.js';
import { type Listening, listenOnLoopback, ownPathPrefix } from '../support/loopback.js';

const MB = 1024 * 1024;
const own = ownPathPrefix();
/** 64 MB of zeros: 64 KB on the wire. */
const BOMB = gzipSync(Buffer.alloc(64 * MB));
const PLAIN = Buffer.alloc(MB, 1);
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
let server: Listening;
/** Bytes each wheel's answer got onto the wire before it ended or was closed. */
const sent = new Map<string, { closedEarly: Promise<boolean> }>();

beforeAll(async () => {
  server = await listenOnLoopback(
    createServer((request, response: ServerResponse) => {
      const path = own.within(request.url);
      const page = /^\/simple\/(\w+)\/$/.exec(path ?? '')?.[1];
      if (page === 'bomb' || page === 'liar') {
        const file = {
          filename: `${page}-1.0-py3-none-any.whl`,
          url: `${own.prefix}/files/${page}.whl`,
          hashes: { sha256: sha(Buffer.alloc(64 * MB)) },
          ...(page === 'liar' && { size: 1000 }),
        };
        return void response.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' }).end(JSON.stringify({ files: [file] }));
      }
      const wheel = /^\/files\/(\w+)\.whl$/.exec(path ?? '')?.[1];
      if (wheel) {
        sent.set(wheel, { closedEarly: new Promise((resolve) => response.on('close', () => resolve(!response.writableFinished))) });
        if (wheel === 'bomb') {
          response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip', 'content-length': String(BOMB.length) });
          return void response.end(BOMB);
        }
        // Sent slowly, so a refusal closes it before the end.
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        let at = 0;
        const more = () => {
          if (response.destroyed || at >= PLAIN.length) return void response.end();
          response.write(PLAIN.subarray(at, (at += 64 * 1024)));
          setTimeout(more, 20);
        };
        return void more();
      }
      response.writeHead(404).end();
    }),
  );
});
afterAll(() => server?.close());

const broker = (bounds = {}) =>
  new PackageBroker(JSON.stringify({ packages: {} }), () => `${server.origin}${own.prefix}/lock/`, `${server.origin}${own.prefix}/simple/`, bounds);

describe("the index's wheels, in bytes", () => {
  it('a gzip-encoded wheel that unpacks past the bound is stopped there, counted decoded', async () => {
    const packages = broker({ maxBytes: 8 * MB });
    await expect(packages.fromIndex(['bomb'])).rejects.toThrow(/the packages from the index come to more than 8 MB; refused/);
  });

  it('a wheel longer than the size its page stated is refused as it arrives, and its request closed', async () => {
    const packages = broker();
    await expect(packages.fromIndex(['liar'])).rejects.toThrow(/liar\.whl is over 1000 bytes; refused/);
    expect(await sent.get('liar')!.closedEarly).toBe(true);
  });
});
