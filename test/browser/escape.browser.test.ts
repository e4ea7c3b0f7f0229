/**
 * Escape suite: model-written Python is untrusted, so in a browser it must not reach the
 * network, the host origin's credentials or storage, the host page, or another tab.
 *
 * Real Chromium. The host origin holds secrets (cookie, localStorage, IndexedDB, Cache Storage,
 * OPFS, `window.__apiKey`, a cookie-protected `/api/secret`); a canary server on another port
 * counts every request and connection. Each attempt in ESCAPE_ATTEMPTS runs in the default
 * sandbox (`isolation: 'frame'`) and must leave: canary at 0, no secret in the result, storage
 * unchanged, no API call, no message to the page or another tab. The control block runs the same
 * attempts in a plain same-origin worker (`isolation: 'worker'`) and shows they DO escape there,
 * so a green suite means the boundary holds, not that the attempts are broken.
 *
 * Needs the lib build (`npx vite build --mode lib`).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type CanaryServer, startCanaryServer } from '../support/canary-server.js';
import { launchChromium } from '../support/chromium.js';
import { BLOCKED_OUTCOMES, ESCAPE_ATTEMPTS, type EscapeAttempt } from '../support/browser/escape-attempts.js';
import type { HarnessResult } from '../support/browser/host-page.js';
import {
  type EscapeWorld,
  LOCK_FILE_NAMES,
  WHEELS_PATH,
  attempt,
  closeEscapeWorld,
  describeOutcome,
  expectNoEscape,
  expectNothingLate,
  openEscapeWorld,
  secretsIn,
  startBatch,
} from '../support/browser/escape-world.js';
import {
  CAPTURE_PORTS,
  CRASH_WITH_WORDS,
  CRASH_WORDS,
  FORGED_PROGRESS,
  FORGE_PROGRESS,
  MIRROR_FLOOD,
  UNCAUGHT_WORKER_ERROR,
  forgeOnPorts,
  tamperWithNextAnswer,
} from '../support/forgery.js';
import { REPO_ROOT, requireLibBuild } from '../support/browser/repo.js';
import { withSandbox } from '../support/fixtures.js';
import { callApiFromPage } from '../support/browser/secrets.js';

/** Boots take 3–7 s on a shared 2-core machine; a world boots a sandbox and its warm spare. */
const SETUP_TIMEOUT_MS = 180_000;
const ATTEMPT_TIMEOUT_MS = 90_000;

let browser: Browser;
let canary: CanaryServer;
/** How each attempt ended, per page kind: printed at the end (the table in SECURITY.md). */
const outcomes: string[] = [];

beforeAll(async () => {
  requireLibBuild();
  [browser, canary] = await Promise.all([launchChromium(), startCanaryServer()]);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  if (outcomes.length) console.log(`Escape attempts and how they ended:\n${outcomes.join('\n')}`);
  await browser?.close();
  await canary?.close();
});

/** Opens a world for the describe block and closes it after. */
function useWorld(crossOriginIsolated: boolean, isolation: 'frame' | 'worker' = 'frame') {
  const holder = {} as { world: EscapeWorld };
  beforeAll(async () => {
    holder.world = await openEscapeWorld(browser, canary, { crossOriginIsolated, sandbox: { isolation } });
  }, SETUP_TIMEOUT_MS);
  afterAll(() => closeEscapeWorld(holder.world));
  return holder;
}

function escapeTests(label: string, crossOriginIsolated: boolean) {
  const ctx = useWorld(crossOriginIsolated);

  test('the monitors work: the page hears its own message and broadcast, and its cookie opens the API', async () => {
    const { host, listener, secrets } = ctx.world;
    expect(await host.crossOriginIsolated()).toBe(crossOriginIsolated);
    expect(await callApiFromPage(host.page)).toEqual({ status: 200, body: JSON.stringify({ secret: secrets.api }) });
    await host.page.evaluate(() => {
      window.postMessage({ type: 'monitor-check' }, '*');
      new BroadcastChannel('escape').postMessage('monitor-check');
    });
    await expect.poll(() => host.unexpectedMessages()).toHaveLength(1);
    await expect.poll(() => listener.evaluate(() => window.__broadcasts)).toHaveLength(1);
    await host.page.evaluate(() => {
      window.__unexpectedMessages.length = 0;
      window.__broadcasts.length = 0; // the page's own listener heard it too
    });
    await listener.evaluate(() => {
      window.__broadcasts.length = 0;
    });
  });

  test('the sandbox runs in a sandboxed frame (allow-scripts only) with an opaque origin', async () => {
    const frames = await ctx.world.host.page.evaluate(() =>
      [...document.querySelectorAll('iframe')].map((f) => ({ sandbox: f.getAttribute('sandbox'), csp: /connect-src 'none'/.test(f.srcdoc) })),
    );
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) expect(frame).toEqual({ sandbox: 'allow-scripts', csp: true });
    const r = await ctx.world.host.run('import js\n(js.self.origin, js.location.protocol)');
    expect(r.result).toBe("('null', 'blob:')");
  });

  test("each sandbox frame runs out of process (its own renderer, away from the host page's memory)", async () => {
    const { host } = ctx.world;
    // CDP lists out-of-process iframes as targets of type 'iframe' (in-process frames are not targets).
    const cdp = await host.page.context().newCDPSession(host.page);
    const { targetInfo: own } = await cdp.send('Target.getTargetInfo');
    const outOfProcessFrames = async () => {
      const { targetInfos } = await cdp.send('Target.getTargets');
      return targetInfos.filter((t) => t.type === 'iframe' && t.url === 'about:srcdoc' && t.browserContextId === own.browserContextId).length;
    };
    const frames = await host.sandboxFrameCount();
    expect(frames).toBeGreaterThan(0);
    // The warm spare's frame may have just been added: give its process a moment to appear.
    await expect.poll(outOfProcessFrames, { timeout: 10_000 }).toBe(frames);
    await cdp.detach();
  });

  test(
    'forged protocol messages on every port Python can find are dropped or refused, and output for other runs or answers to no call stop the worker',
    async () => {
      const { world } = ctx;
      await world.host.create({ packageBaseUrl: `${world.targets.host}${WHEELS_PATH}` }, 'forger');
      try {
        expect((await world.host.run(CAPTURE_PORTS, {}, 'forger')).outcome).toBe('OUTCOME_OK');
        // Long enough to yield for stops (every 75 ms) where Python does: that channel posts only
        // then. It prints, so the forger still tells its own run's id (the last printing run's + 1).
        const busy = 'import time\nstart = time.perf_counter()\nwhile time.perf_counter() - start < 0.3:\n    pass\nprint("yielded")';
        expect((await world.host.run(busy, {}, 'forger')).outcome).toBe('OUTCOME_OK');
        const trace = await attempt(world, forgeOnPorts(world.targets), { sandboxId: 'forger' });
        // At least the events port and the calls port (so the forgeries reached the protocol); on a
        // page without cross-origin isolation in an engine with JSPI, also the worker's own channels
        // (the one Python yields through for stops: a message there only ends a yield early).
        const isolatedOnly = (await world.host.crossOriginIsolated()) || !(await world.host.page.evaluate(() => 'Suspending' in WebAssembly));
        // The count leads the output; a stop may cut the rest of its line, and once in a full
        // `npm test` it came before the count reached the host (the stop below still proves a
        // forgery reached the protocol): a count that arrived must be the right one.
        const forgedOn = Number(/^(\d+)/.exec(trace.result.output)?.[1]);
        if (!Number.isNaN(forgedOn)) {
          if (isolatedOnly) expect(forgedOn).toBe(2);
          else expect(forgedOn).toBeGreaterThanOrEqual(3);
        }
        expect(trace.result).toMatchObject({
          stateLost: true,
          // Whichever port comes first: output for another run on the events port, an answer to no call on the calls port.
          error: { name: 'SandboxCrash', message: expect.stringMatching(/output for a run that is not going|answered a call the host did not make/) },
        });
        expect(JSON.stringify(trace.result)).not.toContain('FORGED');
        expect((await world.host.progress('forger')).join('\n')).not.toContain('FORGED');
        await expectNoEscape(world, trace);
        expect(await world.host.run('print("still fine")', {}, 'forger')).toMatchObject({ outcome: 'OUTCOME_OK', stdout: 'still fine\n' });
      } finally {
        await world.host.dispose('forger');
      }
    },
    ATTEMPT_TIMEOUT_MS,
  );

  // One batch: each attempt is checked as its run ends, and stragglers once after the last.
  let batchStarted = false;
  test.each(ESCAPE_ATTEMPTS)(
    `${label}: $name`,
    async (a: EscapeAttempt) => {
      if (!batchStarted) startBatch(ctx.world);
      batchStarted = true;
      const trace = await attempt(ctx.world, a.code(ctx.world.targets), { settle: false });
      outcomes.push(`[${label}] ${a.name}: ${describeOutcome(trace.result)}`);
      await expectNoEscape(ctx.world, trace);
      if ((a.expect ?? 'fails') === 'fails') expect(BLOCKED_OUTCOMES, trace.result.output).toContain(trace.result.outcome);
    },
    ATTEMPT_TIMEOUT_MS,
  );

  test(`${label}: nothing any attempt sent after its run ended reached anyone`, () => expectNothingLate(ctx.world), ATTEMPT_TIMEOUT_MS);

  return ctx;
}

describe('isolated sandbox in a cross-origin-isolated page (COOP + COEP)', () => {
  const ctx = escapeTests('COOP+COEP', true);

  test(
    'isolation keeps normal use working: print, result, errors, and an interrupt that keeps globals',
    async () => {
      const { host } = ctx.world;
      expect(await host.run('x = 41\nprint("hello")\nx + 1')).toMatchObject({ outcome: 'OUTCOME_OK', stdout: 'hello\n', result: '42' });
      expect((await host.run('1 / 0')).error?.name).toBe('ZeroDivisionError');
      const ticket = await host.start('while True: pass', { timeoutMs: 30_000 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      await host.interrupt();
      expect(await host.finish(ticket)).toMatchObject({ outcome: 'OUTCOME_FAILED', stateLost: false, error: { name: 'KeyboardInterrupt' } });
      expect(await host.run('x')).toMatchObject({ outcome: 'OUTCOME_OK', result: '41' });
    },
    ATTEMPT_TIMEOUT_MS,
  );
});

/**
 * The host against a hostile worker: not escapes (nothing leaves the sandbox), but the host must
 * stay in charge of its own state.
 */
describe('the host against a hostile worker (COOP + COEP)', () => {
  const ctx = useWorld(true);

  test(
    'a malformed answer to run() fails the run and replaces the worker',
    async () => {
      const { host } = ctx.world;
      await host.create({ warmSpare: false }, 'liar');
      try {
        const r = await host.run(tamperWithNextAnswer("{ id: m.id, type: 'RAW', value: { status: 'ok', output: 42 } }"), {}, 'liar');
        expect(r).toMatchObject({ outcome: 'OUTCOME_FAILED', stateLost: true });
        expect(await host.run('6 * 7', {}, 'liar')).toMatchObject({ outcome: 'OUTCOME_OK', result: '42', stateLost: false });
      } finally {
        await host.dispose('liar');
      }
    },
    ATTEMPT_TIMEOUT_MS,
  );

  test(
    'an uncaught error in the worker stops it for good (its frame is removed) and the next run says stateLost',
    async () => {
      const { host } = ctx.world;
      // Counted once the world's sandbox has its spare, which would otherwise add a frame meanwhile.
      await host.whenIdle();
      const before = await host.sandboxFrameCount();
      await host.create({ warmSpare: false }, 'crasher');
      try {
        expect((await host.run(UNCAUGHT_WORKER_ERROR, {}, 'crasher')).outcome).toBe('OUTCOME_OK');
        await expect.poll(() => host.sandboxFrameCount()).toBe(before);
        expect(await host.run('x', {}, 'crasher')).toMatchObject({ outcome: 'OUTCOME_FAILED', stateLost: true, error: { name: 'NameError' } });
      } finally {
        await host.dispose('crasher');
      }
    },
    ATTEMPT_TIMEOUT_MS,
  );

  test(
    'a worker that dies mid-run on an error of its own words gets a crash message in the library’s words only',
    async () => {
      const { host } = ctx.world;
      await host.create({ warmSpare: false }, 'crash-words');
      try {
        const r = await host.run(CRASH_WITH_WORDS, {}, 'crash-words');
        expect(r).toMatchObject({
          outcome: 'OUTCOME_FAILED',
          stateLost: true,
          error: { name: 'SandboxCrash', message: expect.stringMatching(/uncaught error/) },
        });
        expect(r.error!.message).not.toContain(CRASH_WORDS.slice(0, 20));
        expect(r.error!.message.length).toBeLessThanOrEqual(2_000);
      } finally {
        await host.dispose('crash-words');
      }
    },
    ATTEMPT_TIMEOUT_MS,
  );

  /** A worker that dies between runs is replaced once, for every later call, and leaves nothing behind. */
  test(
    'after the worker died between runs, later runs keep globals, file calls work, and dispose() removes every frame',
    async () => {
      const { host } = ctx.world;
      const before = await host.sandboxFrameCount();
      await host.create({ warmSpare: false }, 'idle-death');
      try {
        expect((await host.run(UNCAUGHT_WORKER_ERROR, {}, 'idle-death')).outcome).toBe('OUTCOME_OK');
        await expect.poll(() => host.sandboxFrameCount()).toBe(before);
        expect(await host.run('x', {}, 'idle-death')).toMatchObject({ stateLost: true });
        expect(await host.run('y = 1', {}, 'idle-death')).toMatchObject({ outcome: 'OUTCOME_OK', stateLost: false });
        expect(await host.run('y', {}, 'idle-death')).toMatchObject({ outcome: 'OUTCOME_OK', result: '1', stateLost: false });
        await host.writeFile('notes.txt', 'hi', 'idle-death');
        expect(await host.listFiles('idle-death')).toEqual([{ path: 'notes.txt', size: 2 }]);
      } finally {
        await host.dispose('idle-death');
      }
      expect(await host.sandboxFrameCount()).toBe(before);
    },
    ATTEMPT_TIMEOUT_MS,
  );
});

/**
 * A worker that misbehaves: the host notices it, the worker is replaced, the run says
 * so, and the next run works. Also what the worker may make the host fetch, and show. (Floods,
 * and the page's responsiveness under them, are floods.browser.test.ts.)
 */
describe('the host against a misbehaving worker (COOP + COEP)', () => {
  const ctx = useWorld(true);
  const CALL_TIMEOUT_MS = 3000;
  const ID = 'bounded';
  // 5 MB of files per run: no honest answer is then over ~15 MB of text, and the frame stops a worker that sends more.
  const limits = { callTimeoutMs: CALL_TIMEOUT_MS, maxTotalFileBytes: 5 * 1024 * 1024 };
  beforeAll(() => ctx.world.host.create({ limits, packageBaseUrl: `${ctx.world.targets.host}${WHEELS_PATH}` }, ID), SETUP_TIMEOUT_MS);
  afterAll(() => ctx.world.host.dispose(ID));

  async function expectReplacedAndWorking(r: HarnessResult, reason: RegExp): Promise<void> {
    expect(r).toMatchObject({ outcome: 'OUTCOME_FAILED', stateLost: true, error: { name: 'SandboxCrash' } });
    expect(r.error?.message).toMatch(reason);
    expect(await ctx.world.host.run('6 * 7', {}, ID)).toMatchObject({ outcome: 'OUTCOME_OK', result: '42', stateLost: false });
  }

  test(
    'a worker that closed itself is noticed when it does not take the next run (limits.callTimeoutMs), not at the run deadline',
    async () => {
      const { host } = ctx.world;
      // Closed just after this run has answered (a closed worker says nothing, not even that it closed).
      expect((await host.run('import js\njs.eval("setTimeout(() => close(), 50)")', {}, ID)).outcome).toBe('OUTCOME_OK');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const r = await host.run('1', { timeoutMs: 60_000 }, ID);
      expect(r.durationMs).toBeLessThan(CALL_TIMEOUT_MS + 5000);
      await expectReplacedAndWorking(r, /did not take the run within 3000 ms/);
    },
    ATTEMPT_TIMEOUT_MS,
  );

  test(
    'a module the standard library imports only if present, written before a restart, does not re-infect the new interpreter',
    async () => {
      const { host } = ctx.world;
      const infect =
        'import builtins\n_print = builtins.print\nbuiltins.print = lambda *a, **k: _print("[re-infected after restart]", *a, **k)\nraise ImportError\n';
      await host.run(`open("_hashlib.py", "w").write(${JSON.stringify(infect)})`, {}, ID);
      expect((await host.run('import os\nos._exit(0)', {}, ID)).stateLost).toBe(true);
      const trace = await attempt(ctx.world, 'import hashlib\nprint("hello")', { sandboxId: ID });
      await expectNoEscape(ctx.world, trace);
      expect(trace.result).toMatchObject({ outcome: 'OUTCOME_OK', stdout: 'hello\n' });
    },
    ATTEMPT_TIMEOUT_MS,
  );

  // How long the restart takes, and the page's pauses, are measured in the floods suite, which runs
  // alone: timed here, beside other suites on a shared machine, it measured the machine.
  test(
    // One run: what is restored is one batch whatever the number of runs (floods.browser and
    // workdir-mirror.test.ts hold that); here the restored long names must reach nothing.
    'after a run that replaces 5,000 empty files with long names, a restart answers and reaches nothing',
    async () => {
      const { host } = ctx.world;
      expect((await host.runCounted(MIRROR_FLOOD, {}, ID)).outcome).toBe('OUTCOME_OK');
      expect((await host.run('import os\nos._exit(0)', {}, ID)).stateLost).toBe(true);
      expect(await host.run('1 + 1', {}, ID)).toMatchObject({ outcome: 'OUTCOME_OK', result: '2' });
      await expectNoEscape(ctx.world, await attempt(ctx.world, '2 + 2', { sandboxId: ID }));
      await host.run('import shutil\nshutil.rmtree("batch", ignore_errors=True)', {}, ID);
    },
    4 * ATTEMPT_TIMEOUT_MS,
  );

  test(
    'a file the host wrote and a run deleted does not come back after a restart, even when the walk stopped at its cap',
    async () => {
      const { host } = ctx.world;
      await host.writeFile('secret.csv', 'a,b\n1,2\n', ID);
      await host.run('import os\nos.makedirs("many", exist_ok=True)\nfor i in range(5000): open(f"many/{i}", "w").close()\nos.remove("secret.csv")', {}, ID);
      expect((await host.run('import os\nos._exit(0)', {}, ID)).stateLost).toBe(true);
      const trace = await attempt(ctx.world, 'import os\nos.path.exists("secret.csv")', { sandboxId: ID });
      expect(trace.result.result).toBe('False');
      await expectNoEscape(ctx.world, trace);
      await host.run('import shutil\nshutil.rmtree("many", ignore_errors=True)', {}, ID);
    },
    ATTEMPT_TIMEOUT_MS,
  );

  test(
    'a host file rewritten at the same size with its stamp put back keeps the new content after a restart',
    async () => {
      const { host } = ctx.world;
      await host.writeFile('config.txt', 'mode=safe\n', ID);
      await host.run(
        'import os\nst = os.stat("config.txt")\nopen("config.txt", "w").write("mode=EVIL\\n")\nos.utime("config.txt", ns=(st.st_atime_ns, st.st_mtime_ns))',
        {},
        ID,
      );
      expect((await host.run('import os\nos._exit(0)', {}, ID)).stateLost).toBe(true);
      const trace = await attempt(ctx.world, 'open("config.txt").read()', { sandboxId: ID });
      expect(trace.result.result).toBe("'mode=EVIL\\n'");
      await expectNoEscape(ctx.world, trace);
    },
    ATTEMPT_TIMEOUT_MS,
  );

  test(
    'forged progress lines never reach the page (free text, or a package the lock file does not have)',
    async () => {
      const { host } = ctx.world;
      expect((await host.run(FORGE_PROGRESS, {}, ID)).outcome).toBe('OUTCOME_OK');
      const shown = (await host.progress(ID)).join('\n');
      expect(shown).not.toContain(FORGED_PROGRESS);
      expect(shown).not.toContain('your-api-key-expired');
    },
    ATTEMPT_TIMEOUT_MS,
  );

  test(
    'a wheel that failed to download reaches the package server once, however often Python asks',
    async () => {
      const trace = await attempt(ctx.world, 'import pyodide_js\nfor _ in range(20):\n    await pyodide_js.loadPackage("micropip")', { sandboxId: ID });
      await expectNoEscape(ctx.world, trace);
      expect(trace.hostRequests.filter((r) => r.path.startsWith(`${WHEELS_PATH}micropip-`))).toHaveLength(1);
    },
    ATTEMPT_TIMEOUT_MS,
  );

  test(
    'a run asking for 100 different wheels reaches the package server at most 64 times',
    async () => {
      const names = [...LOCK_FILE_NAMES].slice(0, 100).map((file) => file.split('-')[0]);
      const trace = await attempt(
        ctx.world,
        `import pyodide_js\nfrom pyodide.ffi import to_js\nawait pyodide_js.loadPackage(to_js(${JSON.stringify(names)}))`,
        { sandboxId: ID },
      );
      await expectNoEscape(ctx.world, trace);
      expect(trace.hostRequests.filter((r) => r.path.startsWith(WHEELS_PATH)).length).toBeLessThanOrEqual(64);
    },
    ATTEMPT_TIMEOUT_MS,
  );
});

describe('isolated sandbox in a page without cross-origin isolation', () => {
  escapeTests('plain', false);
});

/**
 * CONTROL: the same attempts from a plain same-origin worker (`isolation: 'worker'`). They must
 * escape here; if they did not, the suite above would prove nothing.
 */
describe('CONTROL: without the frame (isolation: worker) the attempts DO escape', () => {
  const ctx = useWorld(true, 'worker');
  const control = (name: string) => ESCAPE_ATTEMPTS.find((a) => a.name === name)!;

  test.each([
    control('js.fetch to the canary'),
    control('a WebSocket to the canary'),
    control('pyodide.http.pyfetch of the canary'),
    control('a data: URL module whose code fetches the canary'),
    control('js.Function("return fetch(canary)")()'),
  ])(
    'CONTROL: $name reaches the canary',
    async (a: EscapeAttempt) => {
      const trace = await attempt(ctx.world, a.code(ctx.world.targets));
      outcomes.push(`[CONTROL isolation: worker] ${a.name}: ${describeOutcome(trace.result)}; canary hits ${trace.canaryHits.length}`);
      expect(trace.canaryHits.length).toBeGreaterThan(0);
    },
    ATTEMPT_TIMEOUT_MS,
  );

  test.each([
    { name: "a credentialed fetch to the host origin's API", secret: 'api' },
    { name: "the host origin's Cache Storage (read and write)", secret: 'cache' },
    { name: "the host origin's OPFS (navigator.storage.getDirectory)", secret: 'opfs' },
    { name: "the host origin's IndexedDB (read, write, delete)", secret: 'indexedDB' },
  ] as const)(
    'CONTROL: $name reads the secret',
    async ({ name, secret }) => {
      const trace = await attempt(ctx.world, control(name).code(ctx.world.targets));
      outcomes.push(`[CONTROL isolation: worker] ${name}: ${describeOutcome(trace.result)}`);
      expect(secretsIn(trace.result, ctx.world.secrets)).toEqual([ctx.world.secrets[secret]]);
    },
    ATTEMPT_TIMEOUT_MS,
  );
});

/**
 * OUT OF SCOPE, shown so nobody relies on it: in Node (worker_threads) there is no frame and no
 * CSP. Python reaches Node's globals and modules: the network and the file system. Run
 * untrusted code in Node only inside an OS-level sandbox (a container without credentials).
 */
describe('OUT OF SCOPE: Node mode is not isolated', () => {
  test(
    'Python in a Node sandbox reaches the network and the file system',
    async () => {
      await withSandbox({ warmSpare: false }, async (sandbox) => {
        canary.reset();
        const r = await sandbox.run(
          [
            'import js',
            `r = await js.fetch("${canary.url}/from-node")`,
            'fs = await js.eval("import(\'node:fs\')")',
            `print(r.status, fs.readFileSync("${REPO_ROOT}package.json", "utf8")[:40].split()[0], js.process.version)`,
          ].join('\n'),
        );
        expect(r.outcome).toBe('OUTCOME_OK');
        expect(r.stdout).toMatch(/^200 \{ v\d+/);
        expect(canary.count).toBe(1);
      });
    },
    ATTEMPT_TIMEOUT_MS,
  );
});
