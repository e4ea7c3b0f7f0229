/**
 * The official conformance suite (`@modelcontextprotocol/conformance` 0.2.0-alpha.12: npm's
 * `latest`, 0.1.16, has no 2026-07-28 scenario) run against the built server over HTTP, for
 * exactly what the 2026-07-28 revision requires (`--requirements 2026-07-28`). Every check passes
 * but those in test/support/conformance-2026-baseline.yml, each named alone with why it does not
 * apply (prompts, completions, and the suite's own fixture tools and resources); a baselined check that
 * starts passing fails the run too, so the list cannot go stale. The Tasks extension's capability
 * scenario runs the same way, with its own list.
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
const TASKS_BASELINE = fileURLToPath(new URL('../support/conformance-tasks-baseline.yml', import.meta.url));

let server: HttpServerProcess;
const results = mkdtempSync(join(tmpdir(), 'mcp-conformance-'));
beforeAll(async () => {
  server = await startHttpServer(['--isolation', 'worker']);
}, BOOT_TIMEOUT_MS);
afterAll(async () => {
  await server?.stop();
  rmSync(results, { recursive: true, force: true });
});

/** Runs the suite on the server with `args`; its exit code and what it wrote. */
function suite(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SUITE, 'server', '--url', server.url, ...args, '-o', results],
      { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

test('passes every 2026-07-28 server check that applies', async () => {
  const { code, output } = await suite(['--requirements', '2026-07-28', '--expected-failures', BASELINE]);
  expect(output).toMatch(/Running requirements 2026-07-28 \(\d+ scenarios\)/);
  expect(output).toContain('Baseline check passed: all failures are expected.');
  expect(code, output.slice(-4000)).toBe(0);
}, 360_000);

test("passes the Tasks extension's capability checks: offered in server/discover, tasks/* refused without it, no task for a client without it", async () => {
  const { code, output } = await suite(['--scenario', 'tasks-capability-negotiation', '--expected-failures', TASKS_BASELINE]);
  for (const check of ['tasks-extension-advertised', 'sep-2663-tasks-methods-non-declaring', 'sep-2663-server-rejects-undeclared-client'])
    expect(output).toMatch(new RegExp(`\\[${check}\\s*\\] \\S*SUCCESS`));
  expect(output).toContain('Baseline check passed: all failures are expected.');
  expect(code, output.slice(-4000)).toBe(0);
}, 120_000);
