/**
 * The ADK code executor in Chromium: a real ADK `LlmAgent` from ADK's web build (`dist/web`,
 * bundled with the project's Vite: test/support/browser/adk-bundle.ts) on a plain page, whose
 * Gemini reaches the fake Gemini server through a subclass's `getHttpOptions()`, with the built
 * ADK entry (dist/adk.js) and its default frame isolation. The model's code blocks run in the
 * frame and their results reach its next request; turns of a session share a variable and other
 * sessions do not; a CSV is read with csv after ADK's pandas cell fails; a PNG comes back as an
 * artifact; a failing cell is retried and fixed. The page escape attempts, each a cell through the
 * executor, all fail.
 *
 * Needs `npm run build` (dist/adk.js, dist/sandbox.js).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { reply, text } from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';
import { codeBlock, requestText } from '../support/adk.js';
import { bundleAdk } from '../support/browser/adk-bundle.js';
import { REPO_ROOT, requireLibBuild } from '../support/browser/repo.js';
import { launchChromium } from '../support/chromium.js';
import { PNG_1X1_BASE64, pngSize } from '../support/png.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';
import { ESCAPE_ATTEMPTS } from '../support/browser/escape-attempts.js';
import { type CanaryServer, startCanaryServer } from '../support/canary-server.js';
import { routeGeminiTo } from '../support/widget-page.js';

const TIMEOUT_MS = 120_000;

type Parts = { text: string; outcome?: string }[];
/** What pages/adk.html puts on `window`. */
interface HarnessWindow {
  adkHarness?: {
    setUp(options?: Record<string, unknown>): Promise<void>;
    newSession(userId?: string, sessionId?: string): Promise<string>;
    turn(sessionId: string, parts: unknown[], userId?: string): Promise<{ events: Parts[]; frames: number }>;
    artifact(sessionId: string, filename: string): Promise<{ mimeType: string; data: string } | undefined>;
    cell(sessionId: string, code: string): Promise<{ stdout: string; stderr: string; outputFiles: unknown[] }>;
  };
  adkHarnessError?: string;
}

let browser: Browser;
let context: BrowserContext;
let site: StaticServer;
let fake: FakeGemini;
let page: Page;

beforeAll(async () => {
  requireLibBuild();
  await bundleAdk();
  [browser, site, fake] = await Promise.all([launchChromium(), startStaticServer({ root: REPO_ROOT }), FakeGemini.start()]);
  context = await browser.newContext();
  await routeGeminiTo(context, fake);
  page = await context.newPage();
  await page.goto(`${site.origin}/test/browser/pages/adk.html`);
  await page.waitForFunction(() => (window as HarnessWindow).adkHarness ?? (window as HarnessWindow).adkHarnessError);
  const failed = await page.evaluate(() => (window as HarnessWindow).adkHarnessError);
  if (failed) throw new Error(failed);
  // Wheels from a closed loopback port: pandas fails to load as it does offline.
  await page.evaluate(() => (window as HarnessWindow).adkHarness?.setUp({ optimizeDataFile: true, sandbox: { packageBaseUrl: 'http://127.0.0.1:9/' } }));
}, TIMEOUT_MS);

afterAll(async () => {
  await Promise.all([browser?.close(), site?.close(), fake?.close()]);
});

const newSession = (userId?: string) => page.evaluate((user) => (window as HarnessWindow).adkHarness!.newSession(user), userId);
const turn = (session: string, parts: unknown[] | string) =>
  page.evaluate(([id, message]) => (window as HarnessWindow).adkHarness!.turn(id, message), [
    session,
    typeof parts === 'string' ? [{ text: parts }] : parts,
  ] as const);
/** The cells' results of a turn, in order. */
const results = (events: Parts[]) => events.flat().filter((part) => part.outcome !== undefined);
const codeTurn = (code: string, answer = 'Done.') => [{ reply: reply([text(codeBlock(code))]) }, { reply: reply([text(answer)]) }];

describe("an LlmAgent from ADK's web build with SandboxCodeExecutor in a page", () => {
  test(
    "runs the model's code block in the opaque-origin frame, and its output reaches the model's next request",
    async () => {
      const session = await newSession();
      fake.reset().script(codeTurn('import sys, js\nprint(sys.platform, js.self.origin, 6 * 7)', 'It is 42.'));
      const { events, frames } = await turn(session, 'What is 6 times 7?');

      expect(fake.failures).toEqual([]);
      expect(results(events)).toEqual([{ outcome: 'OUTCOME_OK', text: expect.stringContaining('emscripten null 42') }]);
      expect(requestText(fake.requests[1])).toContain('emscripten null 42');
      expect(frames).toBe(1);
    },
    TIMEOUT_MS,
  );

  test(
    'turns of one session share a variable; another session does not see it',
    async () => {
      const first = await newSession();
      fake.reset().script([...codeTurn('counter = 41'), ...codeTurn('counter += 1\nprint(counter)'), ...codeTurn("print('counter' in globals())")]);
      await turn(first, 'Start a counter.');
      const second = await turn(first, 'Add one.');
      const other = await turn(await newSession(), 'Is there a counter?');

      expect(fake.failures).toEqual([]);
      expect(results(second.events)[0].text).toContain('42');
      expect(results(other.events)[0].text).toContain('False');
    },
    TIMEOUT_MS,
  );

  test(
    "a CSV of the message is read with csv after ADK's own pandas cell fails to load pandas",
    async () => {
      const session = await newSession();
      fake.reset().script(codeTurn("import csv\nrows = list(csv.DictReader(open('data_1_2.csv')))\nprint(len(rows), sum(int(r['sales']) for r in rows))"));
      const csv = { inlineData: { mimeType: 'text/csv', data: btoa('region,sales\nnorth,120\nsouth,80\n') } };
      const { events } = await turn(session, [{ text: 'Total sales?' }, csv]);

      expect(fake.failures).toEqual([]);
      expect(results(events).map((result) => result.outcome)).toEqual(['OUTCOME_FAILED', 'OUTCOME_OK']);
      expect(results(events)[0].text).toMatch(/^PackageLoadError: Could not load package pandas/);
      expect(results(events)[1].text).toContain('2 200');
    },
    TIMEOUT_MS,
  );

  test(
    'a PNG the cell writes comes back as an output file, saved as an artifact',
    async () => {
      const session = await newSession();
      fake.reset().script(codeTurn(`import base64\nopen('dot.png', 'wb').write(base64.b64decode('${PNG_1X1_BASE64}'))`));
      const { events } = await turn(session, 'Draw a dot.');
      const saved = await page.evaluate(([id]) => (window as HarnessWindow).adkHarness!.artifact(id, 'dot.png'), [session] as const);

      expect(fake.failures).toEqual([]);
      expect(results(events)[0].text).toMatch(/Saved artifacts:\ndot\.png/);
      expect(saved?.mimeType).toBe('image/png');
      expect(pngSize(saved?.data ?? '')).toEqual({ width: 1, height: 1 });
    },
    TIMEOUT_MS,
  );

  test(
    'a failing cell is retried and fixed',
    async () => {
      const session = await newSession();
      fake
        .reset()
        .script([
          { reply: reply([text(codeBlock('total = 10\nprint(total / 0)'))]) },
          { reply: reply([text(codeBlock('print(total / 4)'))]) },
          { reply: reply([text('It is 2.5.')]) },
        ]);
      const { events } = await turn(session, 'Split 10 in four.');

      expect(fake.failures).toEqual([]);
      expect(results(events).map((result) => result.outcome)).toEqual(['OUTCOME_FAILED', 'OUTCOME_OK']);
      expect(requestText(fake.requests[1])).toContain('ZeroDivisionError');
      expect(requestText(fake.requests[2])).toContain('2.5');
    },
    TIMEOUT_MS,
  );
});

describe('the page escape attempts through the executor', () => {
  let canary: CanaryServer;
  beforeAll(async () => {
    canary = await startCanaryServer();
    // The escape test's deadline per attempt: an attempt that hangs is stopped, reaching nothing.
    await page.evaluate(() => (window as HarnessWindow).adkHarness?.setUp({ limits: { timeoutMs: 20_000 } }));
    await page.evaluate(() => localStorage.setItem('host-secret', 'HOST-STORAGE-CANARY-5e1d'));
  }, TIMEOUT_MS);
  afterAll(async () => {
    await canary?.close();
  });

  test(
    `all ${ESCAPE_ATTEMPTS.length} fail, or end harmless: the canary hears nothing and no cell reads the page's storage`,
    async () => {
      const targets = { canary: canary.url, canaryWs: canary.wsUrl, host: site.origin };
      const succeeded: string[] = [];
      for (const [index, attempt] of ESCAPE_ATTEMPTS.entries()) {
        // Each attempt the first cell of a session of its own, as in the escape test's fresh sandboxes.
        const result = await page.evaluate(([id, code]) => (window as HarnessWindow).adkHarness!.cell(id, code), [
          `escape-${index}`,
          attempt.code(targets),
        ] as const);
        if ((attempt.expect ?? 'fails') === 'fails' && result.stderr === '') succeeded.push(`${attempt.name}: ${result.stdout.slice(0, 200)}`);
        expect(JSON.stringify(result), attempt.name).not.toContain('HOST-STORAGE-CANARY-5e1d');
      }
      expect(succeeded).toEqual([]);
      expect(canary.count).toBe(0);
      expect(canary.connections).toBe(0);
    },
    ESCAPE_ATTEMPTS.length * 30_000,
  );
});
