/**
 * The package ships its big runtime files gzipped, because `vite preview` and plain
 * static hosts send files as they are; the loader decompresses them while they stream in, takes a
 * plain Pyodide folder (a CDN, a self-hosted copy) as it is, checks what it must check on the
 * decompressed bytes, and counts the bytes as they arrive for the progress bar.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DownloadProgress } from '../../src/sandbox/downloads/download-progress.js';
import { loadRuntime } from '../../src/sandbox/runtime/runtime-files.js';
import { runtimeIn, type RuntimeUrls } from '../../src/sandbox/runtime/runtime-urls.js';
import { RuntimeIntegrityError, SHIPPED_RUNTIME_SHA256 } from '../../src/sandbox/runtime/runtime-integrity.js';
import { OFFICIAL_RUNTIME_BYTES, SHIPPED_RUNTIME_BYTES } from '../../src/sandbox/runtime/runtime-sizes.js';

const genuine = (file: string) => readFileSync(new URL(`../../node_modules/pyodide/${file}`, import.meta.url));
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const GZIPPED = ['pyodide.asm.mjs', 'pyodide.asm.wasm', 'pyodide-lock.json'];
const bomb = gzipSync(Buffer.alloc(100e6), { level: 9 });
const packed = new Map(GZIPPED.map((file) => [`${file}.gz`, gzipSync(genuine(file), { level: 9 })]));

let server: Server;
let origin: string;
beforeAll(async () => {
  // /plain/<file>: the pyodide package's files; /packed/<file>.gz: gzipped, sent as they are;
  // /encoded/<file>.gz: gzipped, sent with Content-Encoding (the client sees the plain bytes);
  // /tampered/<file>.gz: gzipped after one comment was added to the wasm; /bomb/<file>.gz: the
  // wasm is 100 MB of zeros gzipped (100 kB); any other folder: as /packed/.
  server = createServer((req, res) => {
    const [, folder, file] = (req.url ?? '').match(/^\/(\w+)\/([\w.-]+)$/) ?? [];
    const plain = file?.replace(/\.gz$/, '');
    if (!folder || !plain || !['pyodide.mjs', 'python_stdlib.zip', ...GZIPPED].includes(plain)) return res.writeHead(404).end();
    if (folder === 'plain' || !file.endsWith('.gz')) return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(genuine(plain));
    const body =
      folder === 'tampered' && plain === 'pyodide.asm.wasm'
        ? gzipSync(Buffer.concat([genuine(plain), Buffer.from('tampered')]))
        : folder === 'bomb' && plain === 'pyodide.asm.wasm'
          ? bomb
          : packed.get(file);
    res.writeHead(200, { 'content-type': 'application/gzip', ...(folder === 'encoded' && { 'content-encoding': 'gzip' }) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** A folder laid out as the package ships it: the three big files under their `.gz` names. */
function packedIn(folder: string): RuntimeUrls {
  const plain = runtimeIn(`${origin}/${folder}/`);
  return { ...plain, asmMjs: `${plain.asmMjs}.gz`, wasm: `${plain.wasm}.gz`, lockFile: `${plain.lockFile}.gz` };
}

const bytesOf = async (blob: Blob | Uint8Array) => new Uint8Array(blob instanceof Blob ? await blob.arrayBuffer() : blob);

describe('the gzipped runtime', () => {
  it('is decompressed as it loads: the worker gets the very bytes of the plain files', async () => {
    const { files } = await loadRuntime(packedIn('packed'), undefined, false, 'indexURL');
    expect(sha256(await bytesOf(files.wasm))).toBe(sha256(genuine('pyodide.asm.wasm')));
    expect(sha256(await bytesOf(files.asmMjs))).toBe(sha256(genuine('pyodide.asm.mjs')));
    expect(files.lockFile).toBe(genuine('pyodide-lock.json').toString('utf8'));
  });

  it('is taken as it is when the host already decoded it (Content-Encoding: gzip on a .gz)', async () => {
    const { files } = await loadRuntime(packedIn('encoded'), undefined, false, 'indexURL');
    expect(sha256(await bytesOf(files.wasm))).toBe(sha256(genuine('pyodide.asm.wasm')));
  });

  it('is checked once decompressed: a tampered .gz is refused, naming it and both hashes', async () => {
    const urls = packedIn('tampered');
    const refused = loadRuntime(urls, undefined, false, 'indexURL', SHIPPED_RUNTIME_SHA256);
    await expect(refused).rejects.toBeInstanceOf(RuntimeIntegrityError);
    await expect(refused).rejects.toThrow(`${urls.wasm} is not the file this package was built with (SHA-256 expected ${SHIPPED_RUNTIME_SHA256.wasm}, got `);
  });

  it('is refused, naming it, when it unpacks to more than any runtime file holds (a gzip bomb), before it is all in memory', async () => {
    const urls = packedIn('bomb');
    await expect(loadRuntime(urls, undefined, false, 'indexURL')).rejects.toThrow(`${urls.wasm} could not be read (more than 64 MB`);
  });

  it('has the size the build recorded for it, which the progress uses', () => {
    for (const [role, file] of [
      ['asmMjs', 'pyodide.asm.mjs'],
      ['wasm', 'pyodide.asm.wasm'],
      ['lockFile', 'pyodide-lock.json'],
    ] as const) {
      expect(SHIPPED_RUNTIME_BYTES[role]).toBe(packed.get(`${file}.gz`)!.length);
      expect(OFFICIAL_RUNTIME_BYTES[role]).toBe(genuine(file).length);
    }
  });
});

describe('a plain Pyodide folder (a CDN, a self-hosted copy): no .gz files', () => {
  it('loads as it is', async () => {
    const { files } = await loadRuntime(runtimeIn(`${origin}/plain/`), undefined, false, 'indexURL');
    expect(sha256(await bytesOf(files.wasm))).toBe(sha256(genuine('pyodide.asm.wasm')));
    expect(files.lockFile).toBe(genuine('pyodide-lock.json').toString('utf8'));
  });
});

describe('download progress', () => {
  it('counts the bytes as they come over the wire, up to the total, compressed files by their compressed size', async () => {
    const reports: Array<{ loaded: number; total: number }> = [];
    const progress = new DownloadProgress((bytes) => reports.push(bytes));
    // A folder of its own: the loader loads each set of URLs once per page.
    await (await loadRuntime(packedIn('counted'), undefined, false, 'indexURL', undefined, { sizes: SHIPPED_RUNTIME_BYTES, progress })).stdlib;
    const wire = genuine('pyodide.mjs').length + genuine('python_stdlib.zip').length + GZIPPED.reduce((sum, file) => sum + packed.get(`${file}.gz`)!.length, 0);
    expect(reports.length).toBeGreaterThan(1);
    expect(reports.at(-1)).toEqual({ loaded: wire, total: wire });
    expect(reports.every((r, i) => r.loaded <= r.total && (i === 0 || r.loaded >= reports[i - 1].loaded))).toBe(true);
  });

  it('takes Content-Length where no size is known, and never passes 100% when a body is longer than said', async () => {
    const reports: Array<{ loaded: number; total: number }> = [];
    const progress = new DownloadProgress((bytes) => reports.push(bytes));
    const big = new Uint8Array(3_000_000);
    const read = (response: Response) => new Response(progress.track(response)).arrayBuffer();
    await read(new Response(big, { headers: { 'content-length': String(big.length) } }));
    expect(reports.at(-1)).toEqual({ loaded: 3_000_000, total: 3_000_000 });
    // Encoded by the server: the header counts other bytes than the body yields; the body's own count wins.
    await read(new Response(big, { headers: { 'content-length': '1000', 'content-encoding': 'gzip' } }));
    expect(reports.at(-1)).toEqual({ loaded: 6_000_000, total: 6_000_000 });
    expect(reports.every((r) => r.loaded <= r.total)).toBe(true);
  });
});
