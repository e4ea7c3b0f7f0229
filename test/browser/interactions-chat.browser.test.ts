/**
 * createCodeExecutionChat({ api: 'interactions' }) in Chromium with the default frame isolation,
 * with each SDK the library supports in the page: 2.x (`@google/genai`) and 3.x (`genai-sdk-3`),
 * picked by the page's import map (the widget bundles its own copy of the SDK, so this is where
 * 3.x meets a browser). The SDK's browser fetch talks to the fake Interactions server, which
 * checks each request as the service does; the model's code runs in the page's Python.
 *
 * Needs `npm run build` (dist/index.js).
 */
import type { Part } from '@google/genai';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { partKind } from '../../src/agent/index.js';
import { codeCall, codeResult, functionResults, inputOf, modelOutput, reply, resultJson, runPython, thought } from '../fake-interactions/scenarios.js';
import { FakeInteractions } from '../fake-interactions/server.js';
import { DISPLAY_PNG_CODE } from '../support/agent-fixtures.js';
import { GENAI_SDKS, bundleGenaiSdks } from '../support/browser/genai-sdks.js';
import { REPO_ROOT, requireLibBuild } from '../support/browser/repo.js';
import { launchChromium } from '../support/chromium.js';
import { pngSize } from '../support/png.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';

const TIMEOUT_MS = 90_000;

/** What `interactionsHarness.send` hands back: the parts (whole), or each chunk's parts (streamed), and a failure. */
interface Sent {
  parts?: Part[];
  chunks?: Part[][];
  error?: { name: string; message: string };
}

/** What pages/interactions.html puts on `window`. */
interface HarnessWindow {
  interactionsHarness?: {
    boot(): Promise<{ isolation: number; sdkUrl: string }>;
    newChat(baseUrl: string, options: Record<string, unknown>): void;
    send(message: string, stream: boolean): Promise<Sent>;
    history(): { steps: unknown[] };
    close(): Promise<void>;
  };
  interactionsHarnessError?: string;
}

let browser: Browser;
let site: StaticServer;
let fake: FakeInteractions;
const log: string[] = [];

beforeAll(async () => {
  requireLibBuild();
  await bundleGenaiSdks();
  [browser, site, fake] = await Promise.all([launchChromium(), startStaticServer({ root: REPO_ROOT }), FakeInteractions.start({ cors: true })]);
}, TIMEOUT_MS);

afterAll(async () => {
  await Promise.all([browser?.close(), site?.close(), fake?.close()]);
});

afterEach(({ task }) => {
  if (task.result?.state === 'fail') console.error(`Browser console:\n${log.join('\n')}`);
  fake.reset();
});

const kinds = (parts: Part[] = []) => parts.map(partKind);

describe.each(GENAI_SDKS)('an Interactions chat in Chromium (frame isolation), SDK $label in the page', { timeout: TIMEOUT_MS }, ({ sdk }) => {
  let page: Page;

  beforeAll(async () => {
    log.length = 0;
    page = await browser.newPage();
    page.on('console', (message) => log.push(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => log.push(`[pageerror] ${error.message}`));
    await page.goto(`${site.origin}/test/browser/pages/interactions.html?sdk=${sdk}`);
    await page.waitForFunction(() => (window as unknown as HarnessWindow).interactionsHarness ?? (window as unknown as HarnessWindow).interactionsHarnessError);
    const loadError = await page.evaluate(() => (window as unknown as HarnessWindow).interactionsHarnessError);
    if (loadError) throw new Error(`The page failed to load: ${loadError}`);
    const booted = await page.evaluate(() => (window as unknown as HarnessWindow).interactionsHarness!.boot());
    expect(booted).toEqual({ isolation: 1, sdkUrl: `${site.origin}/test-results/genai-browser/sdk${sdk}/genai.js` });
  }, TIMEOUT_MS);

  afterAll(async () => {
    await page?.evaluate(() => (window as unknown as HarnessWindow).interactionsHarness?.close()).catch(() => undefined);
    await page?.close();
  });

  const newChat = (options: Record<string, unknown> = {}) =>
    page.evaluate(([baseUrl, extra]) => (window as unknown as HarnessWindow).interactionsHarness!.newChat(baseUrl, extra), [fake.baseUrl, options] as const);
  const send = (message: string, stream = false): Promise<Sent> =>
    page.evaluate(([text, streamed]) => (window as unknown as HarnessWindow).interactionsHarness!.send(text, streamed), [message, stream] as const);

  it("keeps Python's variables from one message to the next, sending every step back with store: false", async () => {
    fake.script([
      { reply: reply('requires_action', [thought(fake.newSignature()), runPython('x = 6 * 7\nprint(x)', 'c1')]) },
      { reply: (request) => reply('completed', [modelOutput(`It is ${String(resultJson(request).output).trim()}.`)]) },
      { reply: reply('requires_action', [runPython('print(x + 1)', 'c2')]) },
      { reply: (request) => reply('completed', [modelOutput(`Then ${String(resultJson(request).output).trim()}.`)]) },
    ]);
    await newChat();
    expect((await send('What is 6 * 7? Run code.')).parts?.at(-1)?.text).toBe('It is 42.');
    const second = await send('And one more?');
    expect(kinds(second.parts)).toEqual(['executableCode', 'codeExecutionResult', 'text']);
    expect(second.parts?.at(-1)?.text).toBe('Then 43.');
    expect(fake.requests.map((request) => request.body.store)).toEqual([false, false, false, false]);
    expect(fake.failures).toEqual([]);
    expect(fake.remaining).toBe(0);
  });

  it('returns an image the code displayed as an image block of the function result, and gives it back as inlineData', async () => {
    fake.script([{ reply: reply('requires_action', [runPython(DISPLAY_PNG_CODE, 'img1')]) }, { reply: reply('completed', [modelOutput('A single dot.')]) }]);
    await newChat();
    const { parts } = await send('Draw a dot.');

    const [result] = functionResults(fake.requests[1]);
    expect(result.result).toEqual([
      { type: 'text', text: JSON.stringify({ outcome: 'OUTCOME_OK', output: 'drawn\n', images: 1 }) },
      { type: 'image', data: expect.any(String), mime_type: 'image/png' },
    ]);
    const png = (result.result as Array<{ data?: string }>)[1].data!;
    expect(pngSize(png)).toEqual({ width: 1, height: 1 });
    expect(kinds(parts)).toEqual(['executableCode', 'codeExecutionResult', 'inlineData', 'text']);
    expect(parts?.[2].inlineData).toEqual({ mimeType: 'image/png', data: png });
    expect(fake.failures).toEqual([]);
  });

  it('tells the model about a file the code wrote', async () => {
    fake.script([
      { reply: reply('requires_action', [runPython('open("out.csv", "w").write("a,b\\n1,2\\n")', 'f1')]) },
      {
        expect: (request) => expect(resultJson(request).files).toEqual([{ path: 'out.csv', size: 8 }]),
        reply: reply('completed', [modelOutput('Saved out.csv.')]),
      },
    ]);
    await newChat();
    expect((await send('Write a CSV.')).parts?.at(-1)?.text).toBe('Saved out.csv.');
    expect(fake.failures).toEqual([]);
    expect(fake.remaining).toBe(0);
  });

  it("shows the server's code and result as executableCode and codeExecutionResult, and declares only code_execution", async () => {
    fake.script([{ reply: reply('completed', [codeCall('print(2)', 'k1'), codeResult('2\n', 'k1'), modelOutput('Two.')]) }]);
    await newChat({ execution: 'server' });
    const { parts } = await send('Two?');
    expect(kinds(parts)).toEqual(['executableCode', 'codeExecutionResult', 'text']);
    expect(parts?.[1].codeExecutionResult).toMatchObject({ outcome: 'OUTCOME_OK', output: '2\n' });
    expect(fake.requests[0].body.tools).toEqual([{ type: 'code_execution' }]);
    expect(fake.failures).toEqual([]);
  });

  it('streams a local run: the code, its result, then the answer as it arrives', async () => {
    fake.script([{ reply: reply('requires_action', [runPython('print(6 * 7)', 's1')]) }, { reply: reply('completed', [modelOutput('It is forty-two.')]) }]);
    await newChat();
    const { chunks, error } = await send('Six times seven?', true);
    expect(error).toBeUndefined();
    expect(kinds(chunks?.flat())).toEqual(['executableCode', 'codeExecutionResult', 'text', 'text']);
    expect(
      chunks
        ?.flat()
        .map((part) => part.text ?? '')
        .join(''),
    ).toBe('It is forty-two.');
    expect(fake.requests.every((request) => request.stream)).toBe(true);
    expect(fake.failures).toEqual([]);
  });

  it("streams the server's run as the same parts as the whole response", async () => {
    const steps = [modelOutput('Running.'), codeCall('print(2)', 'k1'), codeResult('2\n', 'k1'), modelOutput('Two.')];
    fake.script([{ reply: reply('completed', steps) }, { reply: reply('completed', steps) }]);
    await newChat({ execution: 'server' });
    const streamed = (await send('Two?', true)).chunks?.flat() ?? [];
    await newChat({ execution: 'server' });
    const whole = (await send('Two?')).parts ?? [];
    // Streamed text comes in pieces; the whole response joins them.
    expect(kinds(streamed).filter((kind, i, all) => kind !== 'text' || all[i - 1] !== 'text')).toEqual(kinds(whole));
    expect(streamed.find((part) => part.codeExecutionResult)).toEqual(whole.find((part) => part.codeExecutionResult));
    expect(fake.failures).toEqual([]);
  });

  it('rolls back a stream cut mid-answer that cannot be resumed (store: false) and answers the next message from the same history', async () => {
    fake.script([
      { reply: reply('completed', [modelOutput('Cut here, never finished.')], { cutAfter: 4 }) },
      { reply: reply('completed', [modelOutput('Fine.')]) },
    ]);
    await newChat();
    const cut = await send('Talk.', true);
    expect(cut.error).toBeDefined();
    expect(cut.chunks?.flat()[0]?.text).toBe('Cut here, nev');
    expect((await page.evaluate(() => (window as unknown as HarnessWindow).interactionsHarness!.history())).steps).toEqual([]);
    expect((await send('Again.', true)).error).toBeUndefined();
    expect(inputOf(fake.requests[1]).map((step) => step.type)).toEqual(['user_input']);
    expect(fake.failures).toEqual([]);
  });

  it('resumes a stream cut mid-way with interactions.get and last_event_id when the interaction is stored', async () => {
    fake.script([{ reply: reply('completed', [modelOutput('A long answer, cut in the middle.')], { cutAfter: 4, eventIds: true }) }]);
    await newChat({ store: true });
    const { chunks, error } = await send('Talk.', true);
    expect(error).toBeUndefined();
    expect(
      chunks
        ?.flat()
        .map((part) => part.text)
        .join(''),
    ).toBe('A long answer, cut in the middle.');
    expect(fake.requests[1]).toMatchObject({ method: 'GET', stream: true });
    expect(fake.requests[1].url).toContain('last_event_id=evt-4');
    expect(fake.failures).toEqual([]);
  });
});
