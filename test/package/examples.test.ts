/**
 * The example apps in examples/, each as a user would run it: copied out of the repository, with
 * the packed package (`npm pack`) as its `pyodide-code-execution` dependency, installed from the
 * npm registry (`npm install`), built with its own tool, served, and opened in headless Chromium,
 * where the page must run `6 * 7` in Python and show 42. Pages are opened with and without
 * COOP/COEP: isolated pages get an interruptible sandbox, others a working one. examples/next-ai-sdk
 * is a `useChat` page instead: its route streams the fake Gemini server (test/fake-gemini) through
 * `@ai-sdk/google`, and the page runs the model's `run_python` call and sends the output back.
 *
 * No asset may come from the CDN: the library falls back to jsDelivr for a runtime it cannot find
 * beside itself, so a page that shows 42 with no request there found the package's own files.
 *
 * Needs the built `dist/` and the npm registry (the default npm cache makes reruns quick).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { reply, runPythonCall, text } from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';
import type { RecordedRequest } from '../fake-gemini/wire.js';
import { launchChromium } from '../support/chromium.js';
import { type Listening, listenOnLoopback } from '../support/loopback.js';
import { PACKAGE_NAME, REPO, packPackage, unpackPackage } from '../support/packed-package.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';

const EXAMPLES = join(REPO, 'examples');
/**
 * Bounds against a hang, not speeds: `npm test` runs this file at a low CPU priority beside the
 * other suites (scripts/test.mjs), which may leave it little of the machine for minutes.
 */
const INSTALL_MS = 600_000;
const BUILD_MS = 600_000;
/** A first visit boots Pyodide from nothing (no cached runtime, no snapshot). */
const PAGE_MS = 240_000;
const ISOLATION_HEADERS = ['cross-origin-opener-policy', 'cross-origin-embedder-policy', 'cross-origin-resource-policy'];
const { version: VERSION } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };

let work: string;
let tarball: string;
let browser: Browser;
const cleanups: Array<() => unknown> = [];
const installs = new Map<string, Promise<string>>();
/**
 * Builds started as soon as their app is installed, one after another beside the tests: the tests
 * before a build's describe (type checks, pages) leave it a core. Each
 * describe waits for its own; an app's second build (next --webpack) waits for its first's tests.
 */
const builds = new Map<string, Promise<unknown>>();
let lastBuild: Promise<unknown> = Promise.resolve();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'examples-'));
  tarball = packPackage(work);
  // Every example installs at once (network and disk, mostly): each describe waits for its own.
  for (const name of ['node', 'vite', 'webpack', 'next', 'next-ai-sdk']) installs.set(name, install(name));
  for (const installing of installs.values()) installing.catch(() => undefined);
  buildEarly('webpack', (app) => [join(app, 'node_modules/webpack-cli/bin/cli.js'), '--mode', 'production']);
  for (const name of ['next', 'next-ai-sdk']) buildEarly(name, (app) => [nextBin(app), 'build']);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse())
    await Promise.resolve()
      .then(cleanup)
      .catch(() => undefined);
  // Installs or builds still running (a filtered run, a failed test) end with the file.
  await Promise.all([...children].map(stopProcess));
  await browser?.close();
  // Five installed apps, hundreds of MB each: deleting them took over two minutes on a busy machine.
  if (work) await rm(work, { recursive: true, force: true, maxRetries: 3 });
}, 300_000);

describe('examples/node', () => {
  let app: string;
  beforeAll(async () => {
    app = await installs.get('node')!;
  }, INSTALL_MS);

  test('main.mjs runs Python in a worker thread', async () => {
    const { stdout } = await run(process.execPath, ['main.mjs'], app, 120_000);
    expect(stdout.trim()).toBe('42');
  }, 120_000);

  test.each(['tsconfig.json', 'tsconfig.node16.json'])(
    'main.ts type-checks with %s (no DOM lib)',
    async (config) => {
      const { compilerOptions } = JSON.parse(readFileSync(join(app, config), 'utf8'));
      expect(compilerOptions.lib).toEqual(['es2022']);
      await run(process.execPath, [tsc(app), '--noEmit', '-p', config], app, 120_000);
    },
    120_000,
  );

  test.each(['tsconfig.json', 'tsconfig.node16.json'])(
    "with %s and skipLibCheck off, the package's own declarations need no DOM",
    async (config) => {
      const result = await run(process.execPath, [tsc(app), '--noEmit', '-p', config, '--skipLibCheck', 'false'], app, 120_000).catch(
        (error: CommandError) => error,
      );
      const errors = (result.stdout + result.stderr).split('\n').filter((line) => /error TS\d+/.test(line));
      // @google/genai's and the MCP SDK's own declarations name DOM-only types (RequestInfo, HeadersInit): not ours to fix.
      expect(errors.filter((line) => !/^node_modules\/(@google\/genai|@modelcontextprotocol\/sdk)\//.test(line))).toEqual([]);
    },
    120_000,
  );
});

describe('examples/cdn', () => {
  let cdn: StaticServer;
  let site: string;
  beforeAll(async () => {
    // The unpacked package served from another origin, with the headers jsDelivr sends.
    const packageDir = unpackPackage(tarball, join(work, 'cdn-package'));
    cdn = await startStaticServer({
      root: packageDir,
      headers: { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' },
    });
    cleanups.push(() => cdn.close());
    site = join(work, 'cdn');
    cpSync(join(EXAMPLES, 'cdn'), site, { recursive: true });
    for (const page of ['index.html', 'widget.html']) {
      const path = join(site, page);
      writeFileSync(path, readFileSync(path, 'utf8').replaceAll(/https:\/\/cdn\.jsdelivr\.net\/npm\/pyodide-code-execution@[^/]+\//g, `${cdn.origin}/`));
    }
  }, 120_000);

  test.each(['index.html', 'widget.html'])("%s names the package's current version on jsDelivr", (page) => {
    const urls = readFileSync(join(EXAMPLES, 'cdn', page), 'utf8').match(/https:\/\/cdn\.jsdelivr\.net\/npm\/[^'"]+/g);
    expect(urls).not.toBeNull();
    for (const url of urls!) expect(url).toMatch(new RegExp(`^https://cdn\\.jsdelivr\\.net/npm/${PACKAGE_NAME}@${VERSION.replaceAll('.', '\\.')}/dist/`));
  });

  for (const isolated of [false, true]) {
    test(
      `index.html imports the sandbox from another origin and runs Python (${label(isolated)})`,
      async () => {
        const server = await startStaticServer({ root: site, crossOriginIsolated: isolated });
        try {
          cdn.clearRequests();
          await expectPythonRuns(`${server.origin}/index.html`, isolated);
          expect(cdn.countRequests('/dist/pyodide/pyodide.asm.wasm.gz')).toBeGreaterThan(0);
        } finally {
          await server.close();
        }
      },
      PAGE_MS,
    );

    test(
      `widget.html loads <code-exec-chat> from another origin and its Python boots (${label(isolated)})`,
      async () => {
        const server = await startStaticServer({ root: site, crossOriginIsolated: isolated });
        try {
          cdn.clearRequests();
          const page = await expectPythonRuns(`${server.origin}/widget.html`, isolated);
          expect(page.upgraded).toBe(true);
          expect(page.functions, "the page's functions, set before the element was defined, are the widget's").toBe('2');
          expect(cdn.countRequests('/dist/pyodide/pyodide.asm.wasm.gz')).toBeGreaterThan(0);
        } finally {
          await server.close();
        }
      },
      PAGE_MS,
    );
  }
});

describe('examples/vite', () => {
  let app: string;
  beforeAll(async () => {
    app = await installs.get('vite')!;
    // The least an app needs: the plugin, no headers.
    writeFileSync(
      join(app, 'vite.plugin-only.config.ts'),
      "import { defineConfig } from 'vite';\nimport { pythonSandbox } from 'pyodide-code-execution/vite';\n\nexport default defineConfig({ plugins: [pythonSandbox()] });\n",
    );
  }, INSTALL_MS);

  const vite = (...args: string[]) => [join(app, 'node_modules/vite/bin/vite.js'), ...args];

  for (const isolated of [false, true]) {
    test(
      `vite dev serves a page that runs Python (${label(isolated)})`,
      async () => {
        const config = isolated ? 'vite.config.ts' : 'vite.plugin-only.config.ts';
        const server = await startServer(
          process.execPath,
          (port) => vite('--config', config, '--host', '127.0.0.1', '--port', String(port), '--strictPort'),
          app,
        );
        try {
          await expectPythonRuns(`http://127.0.0.1:${server.port}/`, isolated);
        } finally {
          await server.stop();
        }
      },
      PAGE_MS + 60_000,
    );
  }

  describe('vite build', () => {
    beforeAll(async () => {
      await run(process.execPath, vite('build'), app, BUILD_MS);
    }, BUILD_MS);

    builtSiteRunsPython(() => join(app, 'dist'));
  });
});

/** A static build in `dir()`, served with and without COOP/COEP: its page runs Python with the runtime it copied. */
function builtSiteRunsPython(dir: () => string): void {
  for (const isolated of [false, true]) {
    test(
      `the built site runs Python (${label(isolated)})`,
      async () => {
        const server = await startStaticServer({ root: dir(), crossOriginIsolated: isolated });
        try {
          await expectPythonRuns(`${server.origin}/index.html`, isolated);
          // The bundler copied the gzipped runtime under hashed names (Vite `pyodide.asm.wasm-<hash>.gz`,
          // webpack `<hash>.gz`) and the page loaded it.
          expect(server.countRequests((r) => r.path.endsWith('.gz') && r.status === 200)).toBeGreaterThan(0);
        } finally {
          await server.close();
        }
      },
      PAGE_MS,
    );
  }
}

describe('examples/webpack', () => {
  let app: string;
  beforeAll(async () => {
    app = await installs.get('webpack')!;
    await builds.get('webpack');
  }, INSTALL_MS + BUILD_MS);

  builtSiteRunsPython(() => join(app, 'dist'));
});

describe('examples/next', () => {
  let app: string;
  beforeAll(async () => {
    app = await installs.get('next')!;
  }, INSTALL_MS);

  for (const bundler of ['turbopack', 'webpack'] as const) {
    describe(`next build (${bundler}) and next start`, () => {
      let origin: string;
      let plainOrigin: string;
      let server: { stop(): Promise<void> } | undefined;
      let proxy: Listening | undefined;
      beforeAll(async () => {
        await nextBuild('next', app, bundler);
        const started = await startServer(process.execPath, (port) => [nextBin(app), 'start', '--hostname', '127.0.0.1', '--port', String(port)], app);
        server = started;
        origin = `http://127.0.0.1:${started.port}`;
        // next.config.ts sends COOP/COEP; the same app without them is seen through a proxy that drops them.
        proxy = await startHeaderDroppingProxy(started.port);
        plainOrigin = proxy.origin;
      }, BUILD_MS + 60_000);
      // The other bundler's build replaces .next/.
      afterAll(async () => {
        await proxy?.close();
        await server?.stop();
      });

      for (const isolated of [false, true]) {
        test(
          `the app runs Python (${label(isolated)})`,
          async () => {
            await expectPythonRuns(`${isolated ? origin : plainOrigin}/`, isolated);
          },
          PAGE_MS,
        );
      }
    });
  }
});

describe('examples/next-ai-sdk', () => {
  const question = 'What is 6 * 7? Run code.';
  let app: string;
  beforeAll(async () => {
    app = await installs.get('next-ai-sdk')!;
  }, INSTALL_MS);

  // Next's default bundler only: how webpack bundles the package in a Next app is examples/next's
  // (both bundlers), and a second build of this app cost a minute of a core.
  {
    const bundler = 'turbopack';
    describe(`next build (${bundler}), next start and a chat in Chromium`, () => {
      let fake: FakeGemini | undefined;
      let server: Awaited<ReturnType<typeof startServer>> | undefined;
      /** What the page showed once the model's answer arrived, and what it fetched. */
      let shown: { output: string | undefined; answer: string | undefined; requests: string[] };

      beforeAll(
        async () => {
          const gemini = await FakeGemini.start();
          fake = gemini;
          gemini.script([
            {
              expect: (request) => {
                if (!request.body.tools?.some((tool) => tool.functionDeclarations?.some((declaration) => declaration.name === 'run_python')))
                  throw new Error('run_python is not declared');
              },
              reply: reply([runPythonCall('print(6 * 7)', 'call-1')]),
            },
            { reply: (request) => reply([text(`6 * 7 is ${String(runPythonResponse(request)?.content).trim()}.`)]) },
          ]);
          await nextBuild('next-ai-sdk', app, bundler);
          // The route's model is @ai-sdk/google, pointed at the fake by the example's base-URL variable.
          server = await startServer(process.execPath, (port) => [nextBin(app), 'start', '--hostname', '127.0.0.1', '--port', String(port)], app, {
            GOOGLE_GENERATIVE_AI_API_KEY: 'test-key',
            GOOGLE_GENERATIVE_AI_BASE_URL: `${gemini.baseUrl}/v1beta`,
          });

          const context = await browser.newContext();
          const requests: string[] = [];
          context.on('request', (r) => requests.push(r.url()));
          try {
            const page = await context.newPage();
            await page.goto(`http://127.0.0.1:${server.port}/`);
            await page.getByRole('textbox').fill(question);
            await page.getByRole('button', { name: 'Send' }).click();
            const answer = page.locator('.message.assistant p').filter({ hasText: '6 * 7 is' });
            await answer.waitFor({ timeout: PAGE_MS - 15_000 }).catch((error: Error) => {
              throw new Error(`no answer shown: ${error.message}\nfake-gemini: ${JSON.stringify(gemini.failures)}\n${tail(server?.output() ?? '')}`);
            });
            shown = {
              output: (await page.locator('.run-python .output').textContent()) ?? undefined,
              answer: (await answer.textContent()) ?? undefined,
              requests,
            };
          } finally {
            await context.close();
          }
        },
        BUILD_MS + 60_000 + PAGE_MS,
      );
      afterAll(async () => {
        await server?.stop();
        await fake?.close();
      });

      test("the model's run_python call runs in the page, which shows its output", () => {
        expect(shown.output).toBe('42');
        // Python ran in the browser: the page fetched the package's own runtime (the route has no execute).
        expect(shown.requests.some((url) => url.includes('/_next/static/') && url.endsWith('.gz'))).toBe(true);
        expect(shown.requests.filter((url) => url.includes('cdn.jsdelivr.net'))).toEqual([]);
      });

      test("the output goes back to the model as the call's function response", () => {
        expect(fake!.failures).toEqual([]);
        expect(fake!.requests).toHaveLength(2);
        expect(fake!.requests.map((request) => request.stream)).toEqual([true, true]);
        expect(fake!.requests[1].body.contents[0].parts).toEqual([{ text: question }]);
        expect(runPythonResponse(fake!.requests[1])).toEqual({ name: 'run_python', content: '42' });
      });

      test("the model's answer after the run is shown", () => {
        expect(shown.answer).toBe('6 * 7 is 42.');
      });
    });
  }
});

/** The `response` of the run_python function response in the last turn of `request`. */
function runPythonResponse(request: RecordedRequest): Record<string, unknown> | undefined {
  const parts = request.body.contents.at(-1)?.parts ?? [];
  return parts.find((part) => part.functionResponse?.name === 'run_python')?.functionResponse?.response;
}

// ---------------------------------------------------------------------------------------------

function label(isolated: boolean): string {
  return isolated ? 'with COOP/COEP' : 'without COOP/COEP';
}

/** Copies examples/<name> out of the repository, points it at the tarball and installs it; resolves with its folder. */
async function install(name: string): Promise<string> {
  const app = join(work, name);
  cpSync(join(EXAMPLES, name), app, { recursive: true, filter: (source) => !/[/\\](node_modules|dist|\.next)$/.test(source) });
  const manifestPath = join(app, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (!manifest.dependencies?.[PACKAGE_NAME]) throw new Error(`examples/${name}/package.json does not depend on ${PACKAGE_NAME}`);
  manifest.dependencies[PACKAGE_NAME] = `file:${tarball}`;
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], app, INSTALL_MS);
  return app;
}

/** Builds `name` (installed) with `args(app)` after the builds started before it; see `builds`. */
function buildEarly(name: string, args: (app: string) => string[]): void {
  const building = Promise.all([installs.get(name)!, lastBuild.catch(() => undefined)]).then(([app]) => run(process.execPath, args(app), app, BUILD_MS));
  building.catch(() => undefined);
  builds.set(name, building);
  lastBuild = building;
}

/** `next build` of `app`: with Turbopack, the one started early; with webpack, now (it replaces .next/). */
async function nextBuild(name: string, app: string, bundler: 'turbopack' | 'webpack'): Promise<void> {
  if (bundler === 'turbopack') await builds.get(name);
  else await run(process.execPath, [nextBin(app), 'build', '--webpack'], app, BUILD_MS);
}

/** The example's own Next.js command line. */
function nextBin(app: string): string {
  return join(app, 'node_modules/next/dist/bin/next');
}

/** The example's own TypeScript compiler. */
function tsc(app: string): string {
  return join(app, 'node_modules/typescript/bin/tsc');
}

interface PageOutcome {
  state: string | undefined;
  result: string | undefined;
  interruptible: string | undefined;
  /** How many page functions the widget holds once upgraded (widget.html). */
  functions: string | undefined;
  crossOriginIsolated: boolean;
  upgraded: boolean;
}

/**
 * Opens `url` in a fresh browser context (nothing cached), waits until the page says it is done
 * and checks that it showed 42, with an interruptible sandbox only when isolated, and fetched
 * nothing from the CDN.
 */
async function expectPythonRuns(url: string, isolated: boolean): Promise<PageOutcome> {
  const context = await browser.newContext();
  const requests: string[] = [];
  const log: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  context.on('response', (r) => r.status() >= 400 && log.push(`[${r.status()}] ${r.url()}`));
  context.on('requestfailed', (r) => log.push(`[failed] ${r.url()}: ${r.failure()?.errorText}`));
  try {
    const page = await context.newPage();
    page.on('console', (message) => log.push(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => log.push(`[pageerror] ${error.message}`));
    const answer = await page.goto(url);
    expect(answer?.status(), `${url} answered ${answer?.status()}`).toBe(200);
    const read = () =>
      page.evaluate(() => ({
        state: document.body?.dataset.state,
        result: document.querySelector('#result')?.textContent ?? undefined,
        interruptible: document.body?.dataset.interruptible,
        functions: document.body?.dataset.functions,
        crossOriginIsolated: self.crossOriginIsolated,
        upgraded: customElements.get('code-exec-chat') !== undefined && document.querySelector('code-exec-chat')?.shadowRoot != null,
      }));
    let outcome: PageOutcome | undefined;
    const deadline = Date.now() + PAGE_MS - 15_000;
    // Polled, not waitForFunction: a dev server may reload the page once (new dependencies optimized).
    while (Date.now() < deadline) {
      outcome = await read().catch(() => undefined);
      if (outcome?.state) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const context_ = `page ${url}\n${log.slice(-30).join('\n')}`;
    expect(outcome?.state, `the page never finished: ${JSON.stringify(outcome)}\n${context_}`).toBeDefined();
    expect({ state: outcome!.state, result: outcome!.result }, context_).toEqual({ state: 'done', result: '42' });
    expect(outcome!.crossOriginIsolated).toBe(isolated);
    expect(outcome!.interruptible).toBe(String(isolated));
    expect(requests.filter((r) => r.includes('cdn.jsdelivr.net'))).toEqual([]);
    return outcome!;
  } finally {
    await context.close();
  }
}

interface CommandError extends Error {
  stdout: string;
  stderr: string;
}

/** Every process started here, so teardown can end those still running (each is its own process group). */
const children = new Set<ChildProcess>();

function launch(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(command, args, { cwd, env: { ...childEnv(), ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Ends `child` and everything it started; resolves once it has exited. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Runs a command to completion; rejects with its output when it fails or takes longer than `timeout`. */
function run(command: string, args: string[], cwd: string, timeout: number): Promise<{ stdout: string; stderr: string }> {
  const child = launch(command, args, cwd);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopProcess(child);
  }, timeout);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve({ stdout, stderr });
      const why = timedOut ? `took over ${timeout / 1000} s` : `exit ${code ?? signal}`;
      const failure = new Error(`${[command, ...args].join(' ')} failed in ${cwd} (${why}):\n${tail(stdout)}\n${tail(stderr)}`) as CommandError;
      Object.assign(failure, { stdout, stderr });
      reject(failure);
    });
  });
}

function childEnv(): NodeJS.ProcessEnv {
  // The examples' own tools, not this repository's test settings.
  const { NODE_ENV: _env, VITEST: _vitest, VITEST_MODE: _mode, VITEST_POOL_ID: _pool, VITEST_WORKER_ID: _worker, ...env } = process.env;
  return { ...env, NEXT_TELEMETRY_DISABLED: '1', CI: '1' };
}

function tail(text: string, lines = 40): string {
  return text.split('\n').slice(-lines).join('\n');
}

/**
 * A long-running server process on a free port of its own, once it has announced that port and
 * answers there; `output()` is what it printed. The port is free when chosen but not held, so
 * another process (the suites beside this one listen on ports too) may take it first: a server
 * that could not have it is started again on another, and an answer counts only once the server
 * has named the port itself (an answer from whoever took the port is not the server's).
 */
async function startServer(
  command: string,
  args: (port: number) => string[],
  cwd: string,
  env?: NodeJS.ProcessEnv,
): Promise<{ port: number; stop(): Promise<void>; output(): string }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const started = await startOnPort(command, args(port), port, cwd, env);
    if ('stop' in started) return { port, ...started };
    if (!started.portTaken || attempt === 3) throw new Error(started.why);
  }
}

async function startOnPort(
  command: string,
  args: string[],
  port: number,
  cwd: string,
  env?: NodeJS.ProcessEnv,
): Promise<{ stop(): Promise<void>; output(): string } | { why: string; portTaken: boolean }> {
  const child = launch(command, args, cwd, env);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const stop = () => stopProcess(child);
  const url = `http://127.0.0.1:${port}/`;
  // Vite and Next print `http://127.0.0.1:<port>` once they listen (in colour, with CI set).
  const announced = () => output.replace(/\x1b\[[0-9;]*m/g, '').includes(`127.0.0.1:${port}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      const portTaken = /EADDRINUSE|already in use/i.test(output);
      return { why: `${[command, ...args].join(' ')} exited (${child.exitCode}):\n${tail(output)}`, portTaken };
    }
    if (Date.now() > deadline) {
      await stop();
      return { why: `${[command, ...args].join(' ')} did not answer on ${url} within 60 s:\n${tail(output)}`, portTaken: false };
    }
    const answered =
      announced() &&
      (await fetch(url, { signal: AbortSignal.timeout(30_000) }).then(
        () => true,
        () => false,
      ));
    if (answered && child.exitCode === null) return { stop, output: () => output };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Forwards to 127.0.0.1:`port`, dropping the cross-origin isolation headers from every answer. */
async function startHeaderDroppingProxy(port: number) {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const upstream = request({ host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      const headers = { ...answer.headers };
      for (const name of ISOLATION_HEADERS) delete headers[name];
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return listenOnLoopback(server);
}
