/**
 * The widget on the Interactions API (`api="interactions"`) in Chromium: the real @google/genai
 * client in the page, its requests routed by Playwright to the fake Interactions server, which
 * checks them as the service does. The model's code runs in the page's Python.
 *
 * Needs the built site (`npm run build`).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CodeExecChat } from '../../src/ui/code-exec-chat/code-exec-chat.js';
import { MAX_SAVED_STEPS_CHARS, STEPS_NOT_KEPT } from '../../src/ui/state/saved-conversation.js';
import { FakeInteractions } from '../fake-interactions/server.js';
import { codeCall, codeResult, functionResults, inputOf, modelOutput, reply, resultJson, runPython, thought } from '../fake-interactions/scenarios.js';
import { DISPLAY_PNG_CODE } from '../support/agent-fixtures.js';
import { pngSize } from '../support/png.js';
import { indexedDbContents, routeGeminiTo, sendAndWait, transcriptText, useFakeGemini, waitForSandbox } from '../support/widget-page.js';

const TIMEOUT_MS = 90_000;
const world = useFakeGemini(TIMEOUT_MS);
let fake: FakeInteractions;

beforeAll(async () => {
  // CORS, so the cut-stream test's page can stream from the fake directly.
  fake = await FakeInteractions.start({ cors: true });
});
afterAll(() => fake?.close());

/** A page whose widget speaks the Interactions API (plus `query`), with a key, its requests going to the fake. */
async function openChat(query = '') {
  const context = await world.newContext({ viewport: { width: 1000, height: 900 } }, false);
  await routeGeminiTo(context, fake);
  const page = await context.newPage();
  await page.goto(`${world.server.origin}/test/ui/pages/plain.html?api=interactions${query}`);
  await giveKey(page);
  return page;
}

/** The key is held in memory only: every page load is given it again. */
async function giveKey(page: Page): Promise<void> {
  await page.waitForFunction(() => customElements.get('code-exec-chat'));
  await page.evaluate(() => {
    (document.querySelector('#chat0') as CodeExecChat).apiKey = 'test-key';
  });
}

describe('the widget on the Interactions API', { timeout: TIMEOUT_MS }, () => {
  test("runs the model's code in the page, keeps its variables for the next message, and keeps the steps client-side", async () => {
    fake.reset();
    fake.script([
      { reply: reply('requires_action', [thought(fake.newSignature()), runPython('x = 6 * 7\nprint(x)', 'c1')]) },
      { reply: (request) => reply('completed', [modelOutput(`It is ${String(resultJson(request).output).trim()}.`)]) },
      { reply: reply('requires_action', [runPython('print(x + 1)', 'c2')]) },
      { reply: (request) => reply('completed', [modelOutput(`Then ${String(resultJson(request).output).trim()}.`)]) },
    ]);
    const page = await openChat('');
    await waitForSandbox(page, '#chat0');
    const box = page.locator('#chat0 cec-composer textarea');
    await box.fill('What is 6 * 7? Run code.');
    await sendAndWait(page, '#chat0');
    await box.fill('And one more?');
    await sendAndWait(page, '#chat0');

    const shown = await transcriptText(page, '#chat0');
    expect(shown).toContain('It is 42.');
    expect(shown).toContain('Then 43.');
    expect(fake.failures).toEqual([]);
    expect(fake.remaining).toBe(0);
    expect(fake.requests.filter((request) => request.method === 'POST').map((request) => request.body?.store)).toEqual([false, false, false, false]);
  });

  test("in server mode shows the server's code and its failed result as a code cell, and declares only code_execution", async () => {
    fake.reset();
    fake.script([
      {
        reply: reply('completed', [
          codeCall('print(1 / 0)', 'x1'),
          codeResult('Traceback (most recent call last):\nZeroDivisionError: division by zero', 'x1', true),
          modelOutput('Dividing by zero fails.'),
        ]),
      },
    ]);
    const page = await openChat('&execution=server');
    await page.locator('#chat0 cec-composer textarea').fill('Divide 1 by 0 in Python.');
    await sendAndWait(page, '#chat0');

    const shown = await transcriptText(page, '#chat0');
    expect(shown).toContain('print(1 / 0)');
    expect(shown).toContain('ZeroDivisionError: division by zero');
    expect(shown).toContain('Dividing by zero fails.');
    expect(await page.locator('#chat0 .cell .badge').first().textContent()).toMatch(/error|failed/i);
    expect(fake.failures).toEqual([]);
    expect(fake.requests[0]?.body?.tools).toEqual([{ type: 'code_execution' }]);
  });

  test('returns an image the code displayed to the model as an image block of the function result, and shows it in the cell', async () => {
    fake.reset();
    const sent: unknown[] = [];
    fake.script([
      { reply: reply('requires_action', [runPython(DISPLAY_PNG_CODE, 'img1')]) },
      {
        expect: (request) => sent.push(...((functionResults(request)[0]?.result as unknown[]) ?? [])),
        reply: reply('completed', [modelOutput('A single dot.')]),
      },
    ]);
    const page = await openChat();
    await waitForSandbox(page, '#chat0');
    await page.locator('#chat0 cec-composer textarea').fill('Draw a dot.');
    await sendAndWait(page, '#chat0');

    expect(sent).toEqual([
      { type: 'text', text: JSON.stringify({ outcome: 'OUTCOME_OK', output: 'drawn\n', images: 1 }) },
      { type: 'image', data: expect.any(String), mime_type: 'image/png' },
    ]);
    const png = (sent[1] as { data: string }).data;
    expect(pngSize(png)).toEqual({ width: 1, height: 1 });
    expect(await page.locator('#chat0 .cell img.figure').getAttribute('src')).toBe(`data:image/png;base64,${png}`);
    expect(await transcriptText(page, '#chat0')).toContain('A single dot.');
    expect(fake.failures).toEqual([]);
    expect(fake.remaining).toBe(0);
  });

  test('tells the model about a file the code wrote and offers it as a download in the cell', async () => {
    fake.reset();
    fake.script([
      { reply: reply('requires_action', [runPython('open("out.csv", "w").write("a,b\\n1,2\\n")', 'f1')]) },
      {
        expect: (request) => expect(resultJson(request).files).toEqual([{ path: 'out.csv', size: 8 }]),
        reply: reply('completed', [modelOutput('Saved out.csv.')]),
      },
    ]);
    const page = await openChat();
    await waitForSandbox(page, '#chat0');
    await page.locator('#chat0 cec-composer textarea').fill('Write a CSV.');
    await sendAndWait(page, '#chat0');

    const link = page.locator('#chat0 .cell a.file');
    expect(await link.locator('.file-name').innerText()).toBe('out.csv');
    expect(await link.getAttribute('download')).toBe('out.csv');
    const href = await link.getAttribute('href');
    expect(await page.evaluate((url) => fetch(url!).then((response) => response.text()), href)).toBe('a,b\n1,2\n');
    expect(fake.failures).toEqual([]);
    expect(fake.remaining).toBe(0);
  });

  test('reports a stream cut mid-answer, leaves the message out of what the model sees, and answers the next one', async () => {
    fake.reset();
    fake.script([
      // Four events: created, status, the step's start and half its text; then the connection drops.
      { reply: reply('completed', [modelOutput('Cut here, never finished.')], { cutAfter: 4 }) },
      { reply: reply('completed', [modelOutput('Fine this time.')]) },
    ]);
    // Straight to the fake (not routed): a routed response is read whole, so it could not be cut mid-stream.
    const page = await openChat(`&base-url=${encodeURIComponent(fake.baseUrl)}`);
    await waitForSandbox(page, '#chat0');
    const box = page.locator('#chat0 cec-composer textarea');
    await box.fill('Talk.');
    await sendAndWait(page, '#chat0');

    // The half that arrived stays on screen, with the failure after it.
    expect(await transcriptText(page, '#chat0')).toContain('Cut here, nev');
    const error = page.locator('#chat0 .error[role="alert"]');
    expect(await error.innerText()).toMatch(/network|connection/i);
    expect(await error.locator('button.retry').count()).toBe(1);
    await box.fill('Again.');
    await sendAndWait(page, '#chat0');

    expect(await transcriptText(page, '#chat0')).toContain('Fine this time.');
    expect(fake.requests.filter((request) => request.method === 'POST').map((request) => inputOf(request).map((step) => step.type))).toEqual([
      ['user_input'],
      ['user_input'],
    ]);
    expect(fake.failures).toEqual([]);
  });

  test('continues a saved chat after a reload from its saved steps, telling the model Python restarted', async () => {
    fake.reset();
    fake.script([
      { reply: reply('requires_action', [thought(fake.newSignature()), runPython('x = 6 * 7\nprint(x)', 'c1')]) },
      { reply: reply('completed', [modelOutput('It is 42.')]) },
      { reply: reply('completed', [modelOutput('Still here.')]) },
    ]);
    // The conversation kept without Python's state: the reload starts a new interpreter.
    const page = await openChat('&persist=conversation');
    await waitForSandbox(page, '#chat0');
    const box = page.locator('#chat0 cec-composer textarea');
    await box.fill('What is 6 * 7? Run code.');
    await sendAndWait(page, '#chat0');
    // The answered turn is stored a moment after it shows (IndexedDB).
    await expect.poll(() => indexedDbContents(page), { timeout: 10_000 }).toContain('It is 42.');
    await page.reload();
    await giveKey(page);
    await expect.poll(() => page.locator('#chat0 [data-entry="divider"]').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await transcriptText(page, '#chat0')).toContain('It is 42.');
    await box.fill('Are you still there?');
    await sendAndWait(page, '#chat0');

    expect(await transcriptText(page, '#chat0')).toContain('Still here.');
    const input = inputOf(fake.requests[2]);
    expect(input.map((step) => step.type)).toEqual(['user_input', 'thought', 'function_call', 'function_result', 'model_output', 'user_input']);
    expect(JSON.stringify(input.at(-1))).toMatch(/Python.*restarted/);
    expect(fake.failures).toEqual([]);
  });

  test('says after a reload that the model starts afresh when the chat was too long to keep its steps', async () => {
    fake.reset();
    // A thought signature longer than the saved steps' cap (8 MiB of JSON): the transcript is kept, the steps are not.
    const huge = 'A'.repeat(MAX_SAVED_STEPS_CHARS + 1024);
    fake.acceptSignature(huge);
    fake.script([{ reply: reply('completed', [thought(huge), modelOutput('It is 42.')]) }, { reply: reply('completed', [modelOutput('Hello again.')]) }]);
    const page = await openChat('&execution=server');
    const box = page.locator('#chat0 cec-composer textarea');
    await box.fill('What is 6 * 7?');
    await sendAndWait(page, '#chat0');
    await expect.poll(() => indexedDbContents(page), { timeout: 10_000 }).toContain('interactionsNotKept');
    await page.reload();
    await giveKey(page);
    await expect.poll(() => transcriptText(page, '#chat0'), { timeout: 20_000 }).toContain(STEPS_NOT_KEPT);
    expect(await transcriptText(page, '#chat0')).toContain('It is 42.');
    await box.fill('Are you still there?');
    await sendAndWait(page, '#chat0');

    expect(await transcriptText(page, '#chat0')).toContain('Hello again.');
    expect(inputOf(fake.requests[1]).map((step) => step.type)).toEqual(['user_input']);
    expect(fake.failures).toEqual([]);
  });
});
