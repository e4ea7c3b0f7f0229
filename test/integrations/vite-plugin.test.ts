/** The Vite plugin's dev middleware against request URLs a browser would never send. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ViteDevServer, createServer } from 'vite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { pythonSandbox } from '../../src/integrations/vite.js';

let root: string;
let server: ViteDevServer;
let origin: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'vite-plugin-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
  server = await createServer({ root, configFile: false, logLevel: 'silent', plugins: [pythonSandbox()], server: { host: '127.0.0.1', port: 0 } });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  origin = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

test('a malformed percent escape is passed on to Vite, not answered with a 500', async () => {
  const response = await fetch(`${origin}/%E0%A4%A`);
  expect(response.status).not.toBe(500);
  // The plugin stays in the chain: the app's own page is still served.
  expect((await fetch(`${origin}/`)).status).toBe(200);
});
