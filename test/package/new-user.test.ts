/**
 * A new user's project: it already has `@google/genai` (the version under test: 2.x in npm test's
 * first pass on the machine's Node, 3.x in its pass on Node 26), then installs the packed
 * package with npm, as the README says, and runs examples/node's agent examples against the fake
 * Gemini server with a client left on the SDK's default API version.
 * Needs the built `dist/` and the npm registry (the default npm cache makes reruns quick).
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { codeModeTurns, seedLocalTurns, seedServerTurns } from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';
import { SDK_VERSION } from '../support/genai-sdk.js';
import { PACKAGE_NAME, REPO, packPackage } from '../support/packed-package.js';

const run = promisify(execFile);
const INSTALL_MS = 240_000;

let app: string;
let tarball: string;
let fake: FakeGemini;
/** What npm printed while installing only the SDK: warnings the package must not add to. */
let sdkWarnings: string[];
let packageInstall: { stdout: string; stderr: string };

/** npm as a user runs it: this Node, no settings from this machine or from `npm test`'s own environment. */
function npm(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  const userconfig = join(cwd, '..', 'empty-npmrc');
  writeFileSync(userconfig, '');
  return run(process.execPath, [npmCli(), ...args, '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd,
    env: { ...env, npm_config_userconfig: userconfig, npm_config_update_notifier: 'false' },
    timeout: INSTALL_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** npm's own script, so that it runs under this Node (the engine npm checks is the one running it). */
function npmCli(): string {
  const fromScript = process.env.npm_execpath;
  if (fromScript && /npm-cli\.[cm]?js$/.test(fromScript)) return fromScript;
  // Outside npm: the `npm` on PATH links to that script.
  return realpathSync(execFileSync('which', ['npm'], { encoding: 'utf8' }).trim());
}

function warnings(output: string): string[] {
  return output.split('\n').filter((line) => /^npm (warn|error|ERR!)/i.test(line));
}

beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), 'new-user-'));
  app = join(work, 'app');
  tarball = packPackage(work);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  await npm(['install', `@google/genai@${SDK_VERSION}`], app);
  sdkWarnings = warnings((await npm(['install'], app)).stderr);
  packageInstall = await npm(['install', tarball], app);
  for (const file of ['local.mjs', 'server.mjs', 'code-mode.mjs']) copyFileSync(join(REPO, 'examples', 'node', file), join(app, file));
  fake = await FakeGemini.start();
}, INSTALL_MS * 2);

afterAll(async () => {
  await fake?.close();
  if (app) rmSync(join(app, '..'), { recursive: true, force: true, maxRetries: 3 });
});

describe(`a new user on Node ${process.versions.node} with @google/genai ${SDK_VERSION}`, () => {
  test('installs the packed package beside the SDK with no warning or error of its own', () => {
    expect(warnings(packageInstall.stderr).filter((line) => !sdkWarnings.includes(line))).toEqual([]);
    expect(packageInstall.stderr).not.toMatch(/ERESOLVE|EBADENGINE|peer dep/i);
  });

  test('keeps the SDK the project had', () => {
    expect(JSON.parse(readFileSync(join(app, 'node_modules', '@google', 'genai', 'package.json'), 'utf8')).version).toBe(SDK_VERSION);
    expect(JSON.parse(readFileSync(join(app, 'node_modules', PACKAGE_NAME, 'package.json'), 'utf8')).peerDependencies['@google/genai']).toContain('^3');
  });

  test('runs the local example: Gemini asks, this process runs the Python, on the default API version', async () => {
    fake.reset().script(seedLocalTurns());
    const { stdout } = await run(process.execPath, ['local.mjs'], {
      cwd: app,
      env: { ...process.env, GEMINI_API_KEY: 'test-key', GEMINI_BASE_URL: fake.baseUrl },
      timeout: 120_000,
    });
    expect(stdout).toContain('[OUTCOME_OK]\n5117');
    expect(stdout).toContain('The sum of the first 50 prime numbers is 5117.');
    expect(fake.requests.map((request) => request.apiVersion)).toEqual(['v1beta', 'v1beta']);
    expect(fake.failures).toEqual([]);
  }, 120_000);

  test("runs the code-mode example: one cell calls the app's functions for twelve regions, one model round trip", async () => {
    fake.reset().script(codeModeTurns());
    const { stdout } = await run(process.execPath, ['code-mode.mjs'], {
      cwd: app,
      env: { ...process.env, GEMINI_API_KEY: 'test-key', GEMINI_BASE_URL: fake.baseUrl },
      timeout: 120_000,
    });
    expect(stdout).toContain('[OUTCOME_OK]\nwest: +24.6%\nlakes: +19.3%\neast: +18.3%');
    expect(stdout).toContain("(the model's code called get_sales_data 12 times)");
    expect(fake.requests).toHaveLength(2);
    expect(fake.failures).toEqual([]);
  }, 120_000);

  test('runs the server example: Google runs the Python, on the default API version', async () => {
    fake.reset().script(seedServerTurns());
    const { stdout } = await run(process.execPath, ['server.mjs'], {
      cwd: app,
      env: { ...process.env, GEMINI_API_KEY: 'test-key', GEMINI_BASE_URL: fake.baseUrl },
      timeout: 60_000,
    });
    expect(stdout).toContain('The sum of the first 50 prime numbers is 5117.');
    expect(fake.requests.map((request) => request.apiVersion)).toEqual(['v1beta']);
    expect(fake.failures).toEqual([]);
  }, 60_000);
});
