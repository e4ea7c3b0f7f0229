/**
 * The widget on the Interactions API (`api="interactions"`) in Chromium: the real @google/genai
 * client in the page, its requests routed by Playwright to the fake Interactions server, which
 * checks them as the service does. The model's code runs in the page's Python.
 *
 * Needs the built site (`npm run build`).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CodeExecChat } from '../../src/ui/code-exec-chat/code-exec-chat.js';
import { FakeInteractions } from '../fake-interactions/server.js';
import { codeCall, codeResult, modelOutput, reply, resultJson, runPython, thought } from '../fake-interactions/scenarios.js';
import { routeGeminiTo, sendAndWait, transcriptText, useFakeGemini, waitForSandbox } from '../support/widget-page.js';

const TIMEOUT_MS = 90_000;
const world = useFakeGemini(TIMEOUT_MS);
let fake: FakeInteractions;

beforeAll(async () => {
  fake = await FakeInteractions.start();
});
afterAll(() => fake?.close());

/** A page whose widget speaks the Interactions API (plus `query`), with a key, its requests going to the fake. */
async function openChat(query: string) {
  const context = await world.newContext({ viewport: { width: 1000, height: 900 } }, false);
  await routeGeminiTo(context, fake);
  const page = await context.newPage();
  await page.goto(`${world.server.origin}/test/ui/pages/plain.html?api=interactions${query}`);
  await page.waitForFunction(() => customElements.get('code-exec-chat'));
  await page.evaluate(() => {
    (document.querySelector('#chat0') as CodeExecChat).apiKey = 'test-key';
  });
  return page;
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
});
