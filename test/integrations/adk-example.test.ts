/**
 * examples/adk-node as a user runs it, on this repository's build and packages (linked, no
 * network): its agent answers two messages against the fake Gemini server, the second using a
 * variable of the first's cell, and `agent.mjs` type-checks with the example's own tsconfig.
 */
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { reply, text } from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';
import { codeBlock, requestText } from '../support/adk.js';
import { REPO } from '../support/packed-package.js';

let app: string;
let fake: FakeGemini;

beforeAll(async () => {
  app = mkdtempSync(join(tmpdir(), 'adk-example-'));
  cpSync(join(REPO, 'examples', 'adk-node'), app, { recursive: true });
  // The example's dependencies: this repository as the package, the rest from its node_modules.
  const link = (name: string, target: string) => {
    mkdirSync(dirname(join(app, 'node_modules', name)), { recursive: true });
    symlinkSync(target, join(app, 'node_modules', name), 'dir');
  };
  link('pyodide-code-execution', REPO);
  for (const name of ['@google/adk', '@google/genai', 'deno', '@types/node']) link(name, join(REPO, 'node_modules', name));
  fake = await FakeGemini.start();
});
afterAll(async () => {
  await fake?.close();
  if (app) rmSync(app, { recursive: true, force: true });
});

test("the agent runs each message's code in one interpreter and prints the code, its output and the answers", async () => {
  fake.script([
    { reply: reply([text(codeBlock('primes = [n for n in range(2, 300) if all(n % d for d in range(2, n))][:50]\nprint(sum(primes))'))]) },
    { reply: reply([text('The sum is 5117.')]) },
    { reply: reply([text(codeBlock('print(sum(1 for p in primes if p % 10 == 3))'))]) },
    { reply: reply([text('13 of them end in 3.')]) },
  ]);
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, GEMINI_API_KEY: 'test-key', GOOGLE_GEMINI_BASE_URL: fake.baseUrl };
  const { stdout } = await promisify(execFile)(process.execPath, ['agent.mjs'], { cwd: app, env, timeout: 120_000 });

  expect(fake.failures).toEqual([]);
  expect(stdout).toMatch(/> What is the sum of the first 50 primes\?[\s\S]*\[code\][\s\S]*\[output\]\nCode execution result:\n5117\n[\s\S]*The sum is 5117\./);
  expect(stdout).toMatch(/> And how many of them end in 3\?[\s\S]*\[output\]\nCode execution result:\n13\n[\s\S]*13 of them end in 3\./);
  expect(requestText(fake.requests[3])).toContain('13');
}, 180_000);

test("agent.mjs type-checks with the example's tsconfig (checkJs)", () => {
  const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
  expect(tsc.stdout).toBe('');
  expect(tsc.status).toBe(0);
}, 120_000);
