/** The isolated mode's runtime loader, against a server that answers what a misconfigured host does. */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRuntime, runtimeIn } from '../../src/sandbox/runtime-files.js';

let server: Server;
let origin: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    // An SPA fallback: every path answers 200 with the app's page.
    if (req.url?.startsWith('/spa/')) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>app</title>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('loadRuntime', () => {
  it('names the file and the option to set when the server answers it with an HTML page', async () => {
    await expect(loadRuntime(runtimeIn(`${origin}/spa/pyodide/`), undefined, false, 'indexURL')).rejects.toThrow(/\/spa\/pyodide\/pyodide\.mjs answered with an HTML page.*; set indexURL to where it is served/);
  });

  it('names the file, the status and the option to set when it is missing', async () => {
    await expect(loadRuntime(runtimeIn(`${origin}/missing/`), undefined, false, 'indexURL')).rejects.toThrow(/\/missing\/pyodide\.mjs answered HTTP 404; set indexURL to where it is served/);
  });
});
