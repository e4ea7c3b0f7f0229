/**
 * Firefox and WebKit beside Chromium: the default boundary and the sandbox's main behaviours, a
 * representative subset of the Chromium suites on the same host page and harness (the Chromium
 * suites run everything; see README "Browsers"). Firefox ESR through WebDriver BiDi; WebKitGTK
 * (Safari's engine) through WebDriver, with SharedArrayBuffer as Safari has it on isolated pages,
 * and without it as this build has it by default. An engine that is not installed is skipped,
 * saying so (`npm test` installs all of them: scripts/prepare-test-machine.mjs).
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { plainPageFunctionCalls } from '../support/browser/page-function-calls.js';
import { cancellationKeepsState } from '../support/browser/live-cancellation.js';
import { bundleGenaiSdks } from '../support/browser/genai-sdks.js';
import { FakeLive } from '../fake-live/server.js';
import { expectStateKept, stopWidgetRunInPage } from '../support/engines/widget-stop.js';
import { type CanaryServer, startCanaryServer } from '../support/canary-server.js';
import type { Engine, EnginePage } from '../support/engines/engine.js';
import { firefox } from '../support/engines/firefox.js';
import { playDemoInPage } from '../support/engines/play-demo.js';
import { webkit } from '../support/engines/webkit.js';
import { CAPTURE_PORTS, FORGED_PROGRESS, FORGE_PROGRESS } from '../support/forgery.js';
import { type StaticServer, type StaticServerOptions, startStaticServer } from '../support/static-server.js';
import { TINY_WHEEL, type WheelServer, serveTinyWheel } from '../support/tiny-wheel.js';
import { type FakeIndex, indexWheelsMissing, lockWith, startFakeIndex } from '../support/fake-pypi.js';
import { BLOCKED_OUTCOMES, ESCAPE_ATTEMPTS } from '../support/browser/escape-attempts.js';
import { WHEELS_PATH, isLockFileWheel } from '../support/browser/escape-world.js';
import { useHostPage } from '../support/browser/engine-host.js';
import { API_PATH, type Secrets, makeSecrets, secretApi, secretsIn } from '../support/browser/secrets.js';
import { REPO_ROOT, requireLibBuild } from '../support/browser/repo.js';
import { PNG_1X1_BASE64 } from '../support/png.js';

const TIMEOUT_MS = 120_000;
const indexMissing = indexWheelsMissing();

/**
 * `interrupts`: the engine gives the frame a SharedArrayBuffer. WebKit without one runs only the
 * blocks and tests where that changes the path (boots, runs, stops and deadlines on the isolated
 * and plain pages, a replaced interpreter, the hostile worker): the escape attempts, a late
 * standard library, the demo page, the widget, packages, files, output and the canary take the
 * same path as in WebKit with one (the buffer only carries interrupts), and ran there (about
 * 135 s of a two-core machine).
 */
const ENGINES: { engine: Engine; interrupts: boolean; everyBlock: boolean; jspi: boolean }[] = [
  { engine: firefox(), interrupts: true, everyBlock: true, jspi: true },
  { engine: webkit({ sharedArrayBuffer: true }), interrupts: true, everyBlock: true, jspi: false },
  { engine: webkit({ sharedArrayBuffer: false }), interrupts: false, everyBlock: false, jspi: false },
];

describe.each(ENGINES)('$engine.name', ({ engine, interrupts, everyBlock, jspi }) => {
  /** A block whose path does not depend on the SharedArrayBuffer: defined once per engine, not per configuration. */
  const describeOncePerEngine = (name: string, fn: () => void) => {
    if (everyBlock) describe.skipIf(engine.missing)(name, fn);
  };
  /** The same for a test (called as `testOncePerEngine?.(...)`). */
  const testOncePerEngine = everyBlock ? test : undefined;
  /** A test only where the engine has JSPI (Firefox here): elsewhere the host page's stops say what happens. */
  const testWithJspi = jspi ? test : undefined;
  let canary: CanaryServer;
  let wheels: WheelServer;
  let tamperedWheels: WheelServer;
  let tamperedIndex: FakeIndex | undefined;
  beforeAll(async () => {
    if (engine.missing) return;
    requireLibBuild();
    [canary, wheels, tamperedWheels, tamperedIndex] = await Promise.all([
      startCanaryServer(),
      serveTinyWheel(),
      serveTinyWheel({ tampered: true }),
      indexMissing ? undefined : startFakeIndex({ tampered: ['tabulate'] }),
    ]);
  }, TIMEOUT_MS);
  afterAll(async () => {
    await engine.close();
    await Promise.all([canary?.close(), wheels?.close(), tamperedWheels?.close(), tamperedIndex?.close()]);
  });

  const usePage = (crossOriginIsolated: boolean, routes?: StaticServerOptions['routes']) => useHostPage(engine, crossOriginIsolated, routes);

  describe.skipIf(engine.missing)(engine.missing ? `(skipped: ${engine.missing})` : 'a cross-origin-isolated page (COOP + COEP)', () => {
    const ctx = usePage(true);

    // A first visit: Python is restored from the snapshot shipped with the package, and the tests
    // below run in that interpreter.
    test(
      `the default sandbox (frame isolation) starts from the shipped snapshot${interrupts ? ', interruptible,' : ' without interrupts'} and runs code`,
      async () => {
        // A 5 s grace for the deadline test below: under the full suite's load WebKitGTK without
        // SharedArrayBuffer once took past the default 1 s to reach its check.
        const limits = { interruptGraceMs: 5000 };
        expect(await ctx.host.create({ packageBaseUrl: wheels.baseUrl, lockFileContents: wheels.lockFileContents, limits })).toMatchObject({
          interruptible: interrupts,
          bootPath: 'snapshot',
        });
        expect(await ctx.host.run('x = 41\nprint("hello")\nx + 1')).toMatchObject({ outcome: 'OUTCOME_OK', stdout: 'hello\n', result: '42' });
        expect((await ctx.host.run('1 / 0')).error?.name).toBe('ZeroDivisionError');
      },
      TIMEOUT_MS,
    );

    test(
      "the page's functions are awaited from Python, and a deadline while one is pending keeps the interpreter",
      async () => {
        const code = 'rows = [await default_api.get_sales_data(region=f"r{i}") for i in range(12)]\nlen(rows), sum(sum(r["months"]) for r in rows)';
        expect(await ctx.host.run(code, { pageFunctions: ['get_sales_data'] })).toMatchObject({ outcome: 'OUTCOME_OK', result: '(12, 72)' });
        const pending = await ctx.host.run('await default_api.wait_for_ever()', { timeoutMs: 2000, pageFunctions: ['wait_for_ever'] });
        expect(pending).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
        expect(await ctx.host.run('x')).toMatchObject({ outcome: 'OUTCOME_OK', result: '41' });
      },
      TIMEOUT_MS,
    );

    // With a SharedArrayBuffer but no JSPI (WebKit), the worker's thread blocks for the answer (worker/code-calls/answer-relay.ts).
    test(
      jspi || interrupts
        ? `plain calls of the page's functions wait in place inside a helper and a loop (${jspi ? 'JSPI' : 'a blocked thread'}); a deadline or an interrupt while one waits keeps the interpreter`
        : "plain calls of the page's functions raise AwaitRequired, telling the model to await (no JSPI, no SharedArrayBuffer); awaited calls work",
      async () => {
        await plainPageFunctionCalls(ctx.host, jspi || interrupts);
        expect(await ctx.host.run('x')).toMatchObject({ outcome: 'OUTCOME_OK', result: '41' });
      },
      TIMEOUT_MS,
    );

    // Without SharedArrayBuffer too: the worker interrupts itself at its deadline.
    test(
      'while True past a 2 s deadline is interrupted, and globals survive',
      async () => {
        expect(await ctx.host.run('while True: pass', { timeoutMs: 2000 })).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
        expect(await ctx.host.run('x')).toMatchObject({ outcome: 'OUTCOME_OK', result: '41' });
      },
      TIMEOUT_MS,
    );

    testOncePerEngine?.('output written below sys.stdout (os.write, sys.__stdout__) is returned in order with print', async () => {
      const r = await ctx.host.run('import os, sys\nprint("a")\nos.write(1, b"b\\n")\nprint("c", file=sys.__stdout__)\nprint("d")');
      expect(r).toMatchObject({ outcome: 'OUTCOME_OK', stdout: 'a\nb\nc\nd\n' });
    });

    testOncePerEngine?.(
      'files written by the host are read by the code, and files the code writes come back',
      async () => {
        await ctx.host.writeFile('in.txt', 'from the host');
        const r = await ctx.host.run('open("out.txt", "w").write(open("in.txt").read().upper())');
        expect(r.files.map((f) => [f.path, Buffer.from(f.data, 'base64').toString()])).toEqual([['out.txt', 'FROM THE HOST']]);
      },
      TIMEOUT_MS,
    );

    testOncePerEngine?.(
      'a lock-file package is fetched by the host and imported',
      async () => {
        expect(await ctx.host.run('import tinypkg\ntinypkg.greet("engine")')).toMatchObject({ outcome: 'OUTCOME_OK', result: "'hello engine'" });
      },
      TIMEOUT_MS,
    );

    // The package server swaps the wheel; the lock file keeps the genuine SHA-256.
    testOncePerEngine?.(
      "a lock-file wheel whose SHA-256 does not match the lock file's is refused, and the next run works",
      async () => {
        const sandbox = ctx.sandbox('tampered-lock');
        await sandbox.create({ packageBaseUrl: tamperedWheels.baseUrl, lockFileContents: tamperedWheels.lockFileContents, warmSpare: false });
        const r = await sandbox.run('import tinypkg\nprint("imported", tinypkg.ANSWER)');
        expect(r.error?.name).toBe('PackageLoadError');
        expect(r.error?.message).toMatch(/tinypkg.*SHA-256 .* did not match the lock file/s);
        expect(r.output).not.toContain('imported');
        expect(await sandbox.run('6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
      },
      TIMEOUT_MS,
    );

    testOncePerEngine?.skipIf(!!indexMissing)(
      indexMissing
        ? `an index wheel with a swapped SHA-256 (skipped: ${indexMissing})`
        : "a package-index wheel whose SHA-256 does not match the index's is refused, and the next run works",
      async () => {
        const sandbox = ctx.sandbox('tampered-index');
        await sandbox.create({
          packageIndex: tamperedIndex!.indexUrl,
          packageBaseUrl: tamperedIndex!.lockBaseUrl,
          lockFileContents: lockWith(tamperedIndex!),
          warmSpare: false,
        });
        const r = await sandbox.run('import tabulate\nprint("imported")');
        expect(r.error?.name).toBe('PackageLoadError');
        expect(r.error?.message).toMatch(/tabulate .*SHA-256 does not match the package index's; refused, not installed/);
        expect(r.output).not.toContain('imported');
        expect(await sandbox.run('6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
      },
      TIMEOUT_MS,
    );

    // WebKit's isolated page runs the worker from a data: URL, which cannot read
    // Blobs, so the host hands it copies: 64 requests for one wheel were 64 copies.
    testOncePerEngine?.(
      '40 forged requests for one wheel get at most one copy of its bytes (Blob handles cost nothing)',
      async () => {
        expect((await ctx.host.run(CAPTURE_PORTS)).outcome).toBe('OUTCOME_OK');
        const forge = `import js, asyncio
js.eval("""(() => {
  const counts = self.__wheelAnswers = { copies: 0, handles: 0, refused: 0 };
  // The events port, captured first (on the print): on the calls port a request is an answer to no call, which stops the worker.
  for (const port of self.__ports.slice(0, 1)) {
    port.addEventListener('message', (e) => {
      const m = e.data;
      if (!m || m.type !== 'package-response' || m.requestId < 2000000) return;
      if (m.data instanceof Uint8Array) counts.copies++;
      else if (m.data instanceof Blob) counts.handles++;
      else counts.refused++;
    });
    for (let i = 0; i < 40; i++) port.postMessage({ type: 'package-request', requestId: 2000000 + i, fileName: '${TINY_WHEEL}' });
  }
})()""")
await asyncio.sleep(1.5)
a = js.__wheelAnswers
print(a.copies, a.handles, a.refused)`;
        const r = await ctx.host.run(forge);
        expect(r.outcome).toBe('OUTCOME_OK');
        const [copies, handles, refused] = r.stdout.trim().split(' ').map(Number);
        console.log(`${engine.name}: ${copies} copies, ${handles} handles, ${refused} refused`);
        expect(copies).toBeLessThanOrEqual(1);
        expect(copies + handles + refused).toBeGreaterThan(0);
      },
      TIMEOUT_MS,
    );

    testOncePerEngine?.(
      'an image displayed by the code comes back',
      async () => {
        const r = await ctx.host.run(`import base64\nclass Dot:\n    def _repr_png_(self): return base64.b64decode("${PNG_1X1_BASE64}")\ndisplay(Dot())`);
        expect(r.images).toEqual([{ mimeType: 'image/png', data: PNG_1X1_BASE64 }]);
      },
      TIMEOUT_MS,
    );

    testOncePerEngine?.(
      'a second sandbox of the page boots from the snapshot the first made',
      async () => {
        await ctx.host.whenIdle();
        expect(await ctx.sandbox('second').create({ warmSpare: false })).toMatchObject({ bootPath: 'snapshot' });
        expect(await ctx.sandbox('second').run('import sys\nsys.platform')).toMatchObject({ outcome: 'OUTCOME_OK', result: "'emscripten'" });
      },
      TIMEOUT_MS,
    );

    test(
      "isolation: 'worker' (trusted code) boots and runs code",
      async () => {
        expect(await ctx.sandbox('trusted').create({ isolation: 'worker', warmSpare: false })).toMatchObject({ bootPath: expect.any(String) });
        expect(await ctx.sandbox('trusted').run('6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
      },
      TIMEOUT_MS,
    );

    testOncePerEngine?.each([
      ['js.fetch', (url: string) => `import js\nawait js.fetch("${url}/fetch")`],
      ['pyodide.http.pyfetch', (url: string) => `import pyodide.http\nawait pyodide.http.pyfetch("${url}/pyfetch")`],
      [
        'a WebSocket',
        (url: string) => `import js, asyncio\nws = js.WebSocket.new("${url.replace('http', 'ws')}/ws")\nawait asyncio.sleep(0.5)\nprint(ws.readyState)`,
      ],
      [
        'a nested blob: worker with the original fetch',
        (url: string) =>
          `import js\nsrc = "fetch('${url}/nested').catch(() => 0)"\nw = js.Worker.new(js.URL.createObjectURL(js.Blob.new([src], {"type": "text/javascript"})))\nimport asyncio\nawait asyncio.sleep(0.5)`,
      ],
      [
        'a nested data: worker with the original fetch',
        (url: string) =>
          `import js, urllib.parse\nsrc = "fetch('${url}/nested-data').catch(() => 0)"\nw = js.Worker.new("data:text/javascript," + urllib.parse.quote(src))\nimport asyncio\nawait asyncio.sleep(0.5)`,
      ],
      [
        'a data: module import',
        (url: string) =>
          `import js, urllib.parse\nsrc = "await fetch('${url}/data-module').catch(() => 0)"\nawait js.eval("(u) => import(u)")("data:text/javascript," + urllib.parse.quote(src))`,
      ],
    ])(
      '%s to the canary reaches nothing',
      async (_name, code) => {
        canary.reset();
        await ctx.host.run(code(canary.url));
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(canary.count).toBe(0);
        expect(canary.connections).toBe(0);
      },
      TIMEOUT_MS,
    );

    testOncePerEngine?.(
      'the sandbox runs in a sandboxed frame with an opaque origin',
      async () => {
        const r = await ctx.host.run('import js\n(js.self.origin, js.location.protocol)');
        expect(r).toMatchObject({ outcome: 'OUTCOME_OK', result: expect.stringMatching(/^\('null', '(blob|data):'\)$/) });
      },
      TIMEOUT_MS,
    );

    test(
      "an interpreter that replaced a lost one reaches the worker's globals through js (js.self)",
      async () => {
        // Without a SharedArrayBuffer the replacement is the interpreter saved after the last run (a restart point): nothing lost.
        expect(await ctx.host.run('import os\nos._exit(1)')).toMatchObject({ outcome: 'OUTCOME_FAILED', stateLost: interrupts });
        expect(await ctx.host.run('import js\njs.self.origin')).toMatchObject({ outcome: 'OUTCOME_OK', result: "'null'" });
      },
      TIMEOUT_MS,
    );
  });

  /**
   * Every attempt of the Chromium escape suite (escape-attempts.ts), with the host origin's secrets
   * seeded: nothing reaches the canary, no secret is in the result, the host origin's API and
   * server hear nothing but lock-file wheel requests, and the page gets no message. (Storage
   * read-back and the second tab are checked in Chromium.)
   */
  describeOncePerEngine('the escape attempts (COOP + COEP)', () => {
    let secrets: Secrets | undefined;
    const api = secretApi(() => secrets);
    const ctx = usePage(true, { [API_PATH]: api.route });
    beforeAll(async () => {
      if (engine.missing) return;
      secrets = makeSecrets();
      await ctx.page().call('seedSecrets', secrets);
      // The secrets are live: the page's own credentialed call gets the API's secret.
      expect(await ctx.page().call('callApi', API_PATH)).toMatchObject({ status: 200, body: expect.stringContaining(secrets.api) });
      await ctx.host.create({ packageBaseUrl: ctx.server().origin + WHEELS_PATH });
    }, TIMEOUT_MS);

    /** Nothing reached anyone since the first attempt began (none may, so a straggler fails the next check). */
    const expectNothingReached = async () => {
      expect(canary.hits, 'requests that reached the canary').toEqual([]);
      expect(canary.connections, 'TCP connections to the canary').toBe(0);
      expect(api.calls, "calls to the host origin's API").toEqual([]);
      expect(
        ctx.server().requests.filter((q) => !isLockFileWheel(q)),
        'host requests other than lock-file wheels',
      ).toEqual([]);
      expect(await ctx.page().call('unexpectedMessages'), 'messages the host page did not expect').toEqual([]);
    };
    let batchStarted = false;
    test.each(ESCAPE_ATTEMPTS)(
      '$name',
      async (a) => {
        if (!batchStarted) {
          canary.reset();
          ctx.server().clearRequests();
          api.calls.length = 0;
          batchStarted = true;
        }
        const r = await ctx.host.run(a.code({ canary: canary.url, canaryWs: canary.wsUrl, host: ctx.server().origin }), { timeoutMs: 20_000 });
        expect(secretsIn(r, secrets!), 'secrets in the run result').toEqual([]);
        await expectNothingReached();
        if ((a.expect ?? 'fails') === 'fails') expect(BLOCKED_OUTCOMES, r.output).toContain(r.outcome);
      },
      TIMEOUT_MS,
    );

    // Once for the batch, not after each attempt: async attempts (a fetch from a timer, a
    // WebSocket retry) get 500 ms after the last run to show up.
    test(
      'nothing any attempt sent after its run ended reached anyone',
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 500));
        await expectNothingReached();
      },
      TIMEOUT_MS,
    );
  });

  describeOncePerEngine('a first visit whose standard library comes late (COOP + COEP)', () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const ctx = usePage(true, {
      '/dist/pyodide/python_stdlib.zip': async (_req, res) => {
        await released;
        res.writeHead(200, { 'content-type': 'application/zip' }).end(readFileSync(join(REPO_ROOT, 'dist/pyodide/python_stdlib.zip')));
        return 200;
      },
    });
    afterAll(() => release());

    test(
      'Python is up before it; a run that needs nothing from it finishes before it only where Python can wait for it (JSPI); an import from it runs once it is in',
      async () => {
        await ctx.host.create();
        const jspi = await ctx.page().evaluate(() => 'Suspending' in WebAssembly);
        const first = ctx.host.run('6 * 7');
        const imported = ctx.host.run('import statistics\nstatistics.mean([1, 2])');
        const early = await Promise.race([first, new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), jspi ? 20_000 : 1_000))]);
        if (jspi) expect(early).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
        else expect(early).toBe('waiting');
        release();
        expect(await first).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
        expect(await imported).toMatchObject({ outcome: 'OUTCOME_OK', result: '1.5' });
      },
      TIMEOUT_MS,
    );
  });

  describe.skipIf(engine.missing)('the host against a hostile worker (COOP + COEP)', () => {
    const ctx = usePage(true);
    const bounded = ctx.sandbox('bounded');
    // The default callTimeoutMs (15 s), which guards a hang only: at 3 s, WebKit on a loaded
    // machine took longer to take this honest run (it passes alone in 1.1-2.0 s).
    beforeAll(async () => {
      if (!engine.missing) await bounded.create({ limits: { maxTotalFileBytes: 5 * 1024 * 1024 } });
    }, TIMEOUT_MS);

    test(
      'forged progress lines never reach the page',
      async () => {
        expect((await bounded.run(FORGE_PROGRESS)).outcome).toBe('OUTCOME_OK');
        const shown = (await bounded.progress()).join('\n');
        expect(shown).not.toContain(FORGED_PROGRESS);
        expect(shown).not.toContain('your-api-key-expired');
      },
      TIMEOUT_MS,
    );
  });

  describeOncePerEngine('the demo page (COOP + COEP)', () => {
    let server: StaticServer;
    let page: EnginePage;
    beforeAll(async () => {
      if (engine.missing) return;
      server = await startStaticServer({ root: `${REPO_ROOT}dist`, crossOriginIsolated: true });
      page = await engine.open(`${server.origin}/index.html`, null);
    }, TIMEOUT_MS);
    afterAll(async () => {
      await page?.close();
      await server?.close();
    });

    test(
      "replays the primes demo, computing 5117 in the page's Python",
      async () => {
        const { transcript, okBadges } = await page.evaluate(playDemoInPage, 'primes', 90_000);
        expect(transcript).toContain('The sum of the first 50 prime numbers is 5117.');
        expect(okBadges).toBe(1);
      },
      TIMEOUT_MS,
    );
  });

  /**
   * Hostile output in this engine: the widget renders a recorded answer full of elements that would load
   * from the canary, a hostile file name and `{{output}}` quoting the sandbox's print; the canary
   * (here a local server, `canary.invalid` in the recording) must see nothing.
   */
  describeOncePerEngine('the widget on an isolated page: nothing leaves through it', () => {
    const RECORDING = '/test/ui/pages/exfiltration.recording.json';
    let server: StaticServer;
    let page: EnginePage;
    beforeAll(async () => {
      if (engine.missing) return;
      const recording = readFileSync(join(REPO_ROOT, RECORDING), 'utf8').replaceAll('canary.invalid', new URL(canary.origin).host);
      const routes = {
        '/aimed.recording.json': (_req: unknown, res: ServerResponse) => {
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(recording);
          return 200;
        },
      };
      server = await startStaticServer({ root: REPO_ROOT, crossOriginIsolated: true, routes });
      page = await engine.open(`${server.origin}/test/ui/pages/plain.html?demo=/aimed.recording.json`, null);
    }, TIMEOUT_MS);
    afterAll(async () => {
      await page?.close();
      await server?.close();
    });

    test(
      'a recorded answer with media, a hostile file name and quoted output loads nothing from the canary',
      async () => {
        canary.reset();
        const played = await page.evaluate(playDemoInPage, null, 90_000);
        expect(played.transcript).toContain('was not returned');
        expect(played.transcript).toContain(`<video poster="${canary.origin}/template-output"></video>`);
        expect(played.loaders).toBe(0);
        expect(canary.hits, 'requests that reached the canary').toEqual([]);
        expect(canary.connections, 'TCP connections to the canary').toBe(0);
      },
      TIMEOUT_MS,
    );
  });

  describe.skipIf(engine.missing)('a page without cross-origin isolation', () => {
    const ctx = usePage(false);

    test(
      'boots without interrupts, and a run past its deadline is interrupted by the worker itself, keeping globals',
      async () => {
        // A 5 s grace: under the full suite's load WebKitGTK once took past the default 1 s to
        // reach its check, and the honest fallback (terminate, stateLost) is not what this tests.
        expect(await ctx.host.create({ limits: { interruptGraceMs: 5000 } })).toMatchObject({ interruptible: false });
        expect(await ctx.host.run('y = 1\n6 * 7')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
        expect(await ctx.host.run('while True: pass', { timeoutMs: 1000 })).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
        expect(await ctx.host.run('y * 42')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42' });
      },
      TIMEOUT_MS,
    );

    // Before any test here replaces the interpreter (after a replacement a spare is kept everywhere).
    testOncePerEngine?.(
      jspi
        ? 'no warm spare from the start: a stop keeps the interpreter here (JSPI), so a second one would be 90 MB for nothing'
        : 'no warm spare from the start: every stop terminates here (no JSPI) and restores the restart point in a new worker, which a spare could not stand in for',
      async () => {
        await ctx.host.whenIdle();
        expect(await ctx.page().evaluate(() => document.querySelectorAll('iframe[sandbox]').length)).toBe(1);
      },
      TIMEOUT_MS,
    );

    testOncePerEngine?.(
      jspi
        ? 'interrupt() during a busy loop keeps the interpreter: Python yields for stops (JSPI)'
        : 'interrupt() during a busy loop replaces the interpreter (nothing reaches Python without JSPI) with the one saved before the run: its variables are kept',
      async () => {
        await ctx.host.run('kept = 1');
        // Until the restart point holding `kept` is saved: a run sent at once is honestly restarted from the
        // point before (stateLost, "saved one run before this one"), which is not what this tests.
        await ctx.host.whenIdle();
        const ticket = await ctx.host.start('while True: pass');
        await new Promise((resolve) => setTimeout(resolve, 500));
        await ctx.host.interrupt();
        const stopped = await ctx.host.finish(ticket);
        expect(stopped, stopped.error?.message).toMatchObject({ stateLost: false });
        expect(await ctx.host.run("'kept' in globals()")).toMatchObject({ outcome: 'OUTCOME_OK', result: 'True' });
      },
      TIMEOUT_MS,
    );

    testOncePerEngine?.(
      jspi
        ? 'an aborted signal during a busy loop keeps the interpreter: Python yields for stops (JSPI)'
        : 'an aborted signal during a busy loop replaces the interpreter with the one saved before the run: x = 1 is still there',
      async () => {
        await ctx.host.run('x = 1');
        // Until the restart point is kept: a run sent at once waits for that save (about 0.5 s in WebKit, more under
        // load), and the abort then stops it before it starts ("interrupted before it started", x kept), not in its loop.
        await ctx.host.whenIdle();
        const stopped = await ctx.host.run('x = 2\nwhile True: pass', { abortAfterMs: 500 });
        expect(stopped).toMatchObject({ stateLost: false, error: { name: 'KeyboardInterrupt' } });
        // Without JSPI the stopped run is undone (its `x = 2` with it), and its note says so.
        if (!jspi) expect(stopped.error?.message).toMatch(/restarted from the state saved before this run/);
        expect(await ctx.host.run('print(x)')).toMatchObject({ outcome: 'OUTCOME_OK', stdout: jspi ? '2\n' : '1\n' });
      },
      TIMEOUT_MS,
    );

    // Where the engine has JSPI, the stops of the widget and of a Live session, each in a page of its own.
    testWithJspi?.(
      "the widget's Stop during a busy loop keeps Python and its variables (JSPI)",
      async () => {
        const page = await engine.open(`${ctx.server().origin}/test/ui/pages/plain.html?demo=/test/ui/pages/stop.recording.json`, null);
        try {
          expectStateKept(await page.evaluate(stopWidgetRunInPage, 90_000));
        } finally {
          await page.close();
        }
      },
      TIMEOUT_MS,
    );

    testWithJspi?.(
      "a Live session's toolCallCancellation during a busy loop keeps Python and its variables (JSPI)",
      async () => {
        const [fake] = await Promise.all([FakeLive.start(), bundleGenaiSdks(['2'])]);
        const page = await engine.open(`${ctx.server().origin}/test/browser/pages/live.html?sdk=2`, 'liveHarness');
        try {
          const connection = fake.connection();
          expect(await page.call('connect', fake.baseUrl)).toMatchObject({ isolation: 1, interruptible: false });
          await cancellationKeepsState((fn) => page.evaluate(fn), await connection);
          expect(fake.failures).toEqual([]);
        } finally {
          await page.close();
          await fake.close();
        }
      },
      TIMEOUT_MS,
    );

    // A plain page has no SharedArrayBuffer in either WebKit configuration: once per engine.
    testOncePerEngine?.(
      jspi
        ? "plain calls of the page's functions wait in place inside a helper and a loop (JSPI); a deadline or an interrupt while one waits keeps the interpreter"
        : "plain calls of the page's functions raise AwaitRequired, telling the model to await (no JSPI); awaited calls work",
      async () => {
        expect(await ctx.page().evaluate(() => 'Suspending' in WebAssembly), 'whether the engine has JSPI, as this test is named').toBe(jspi);
        await plainPageFunctionCalls(ctx.host, jspi);
      },
      TIMEOUT_MS,
    );
  });
});
