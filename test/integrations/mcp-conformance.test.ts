/**
 * The official conformance suite (`@modelcontextprotocol/conformance` 0.2.0-alpha.12: npm's
 * `latest`, 0.1.16, has no 2026-07-28 scenario) run against the built server over HTTP, for
 * exactly what the 2026-07-28 revision requires (`--requirements 2026-07-28`). Every check passes
 * but those in test/support/conformance-2026-baseline.yml, each named alone with why it does not
 * apply (prompts, resources, completions and the suite's own fixture tools); a baselined check that
 * starts passing fails the run too, so the list cannot go stale.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BOOT_TIMEOUT_MS } from '../support/fixtures.js';
import { type HttpServerProcess, startHttpServer } from '../support/mcp.js';

const SUITE = fileURLToPath(new URL('../../node_modules/@modelcontextprotocol/conformance/dist/index.js', import.meta.url));
const BASELINE = fileURLToPath(new URL('../support/conformance-2026-baseline.yml', import.meta.url));

let server: HttpServerProcess;
const results = mkdtempSync(join(tmpdir(), 'mcp-conformance-'));
beforeAll(async () => {
  server = await startHttpServer(['--isolation', 'worker']);
}, BOOT_TIMEOUT_MS);
afterAll(async () => {
  await server?.stop();
  rmSync(results, { recursive: true, force: true });
});

test('passes every 2026-07-28 server check that applies', async () => {
  const args = [SUITE, 'server', '--url', server.url, '--requirements', '2026-07-28', '--expected-failures', BASELINE, '-o', results];
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(process.execPath, args, { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` });
    });
  });
  expect(output).toMatch(/Running requirements 2026-07-28 \(\d+ scenarios\)/);
  expect(output).toContain('Baseline check passed: all failures are expected.');
  expect(code, output.slice(-4000)).toBe(0);
}, 360_000);
