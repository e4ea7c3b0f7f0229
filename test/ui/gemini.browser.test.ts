/**
 * The widget talking to "Gemini": the real @google/genai client in the page, its requests routed
 * by Playwright to the fake Gemini server (test/fake-gemini), which checks them as the real API
 * does. Local mode (code runs in the page's Python) and server mode (Gemini runs it), errors with
 * Retry, the API key's handling, and record mode.
 *
 * Needs the built site (`npm run build`).
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { Recording } from '../../src/ui/replay/recording.js';
import type { CodeExecChat } from '../../src/ui/code-exec-chat/code-exec-chat.js';
import {
  SEED_PROMPT,
  apiError,
  lastTurn,
  outputOf,
  reply,
  runPythonCall,
  seedLocalTurns,
  seedServerTurns,
  streamReply,
  text,
} from '../fake-gemini/scenarios.js';
import { collectLog, screenshot, sendAndWait, transcriptText, useFakeGemini, waitForSandbox, waitIdle } from '../support/widget-page.js';
import { axeViolations } from '../support/axe.js';
import { PNG_1X1_BASE64 } from '../support/png.js';

const TIMEOUT_MS = 90_000;
const PAGE = '/test/ui/pages/plain.html';
const world = useFakeGemini(TIMEOUT_MS);

/** A plain page whose widget has an API key (set as a property, the recommended way). */
async function openChat(query: string, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; log: string[] }> {
  const context = await world.newContext({ viewport: { width: 1000, height: 900 }, colorScheme });
  const page = await context.newPage();
  const log = collectLog(page);
  await page.goto(`${world.server.origin}${PAGE}?${query}`);
  await page.waitForFunction(() => customElements.get('code-exec-chat'));
  await page.evaluate(() => {
    (document.querySelector('#chat0') as CodeExecChat).apiKey = 'test-key';
  });
  return { page, log };
}

async function type(page: Page, text: string): Promise<void> {
  await page.locator('#chat0 cec-composer textarea').fill(text);
}

describe('local execution against the fake Gemini', { timeout: TIMEOUT_MS }, () => {
  test('a full conversation: Enter sends, the code runs here, the answer quotes its output', async () => {
    world.fake.script(seedLocalTurns());
    // base-url: the proxy case (a same-origin endpoint that would add the key server-side).
    const { page } = await openChat('base-url=/gemini-proxy');
    await waitForSandbox(page, '#chat0');
    // Shift+Enter is a new line, not a send.
    const box = page.locator('#chat0 cec-composer textarea');
    await box.fill('first line');
    await box.press('Shift+Enter');
    await box.pressSequentially('second');
    expect(await box.inputValue()).toBe('first line\nsecond');
    expect(await page.locator('#chat0 [data-entry]').count()).toBe(0);
    await type(page, SEED_PROMPT);
    await sendAndWait(page, '#chat0', 'enter');
    const text = await transcriptText(page, '#chat0');
    expect(text).toContain("I'll compute the first 50 primes and add them up.");
    expect(text).toContain('The sum of the first 50 prime numbers is 5117.');
    expect(await page.locator('#chat0 .cell .badge.ok').count()).toBe(1);
    expect(world.fake.failures).toEqual([]);
    expect(world.fake.requests).toHaveLength(2);
    // The key travels in the header only: never in a URL, never in localStorage by default.
    for (const request of world.fake.requests) {
      expect(request.headers['x-goog-api-key']).toBe('test-key');
      expect(request.url).not.toContain('test-key');
    }
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain('test-key');
    await screenshot(page, 'local-conversation');
  });

  test('a failed request shows a readable error; Retry sends the message again', async () => {
    world.fake.script([{ reply: apiError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).') }, ...seedLocalTurns()]);
    const { page } = await openChat('');
    await waitForSandbox(page, '#chat0');
    await type(page, SEED_PROMPT);
    await sendAndWait(page, '#chat0');
    const error = page.locator('#chat0 .error[role="alert"]');
    expect(await error.innerText()).toContain('Quota exceeded or rate limited');
    await screenshot(page, 'error-retry');
    await page.locator('#chat0 .error button.retry').click();
    await waitIdle(page, '#chat0');
    await expect.poll(() => transcriptText(page, '#chat0')).toContain('is 5117.');
    expect(await error.count()).toBe(0);
    // The conversation has the one message, once.
    expect(await page.locator('#chat0 .turn.user').count()).toBe(1);
  });

  test('Python failing to start while an answer without code streams is said once the answer ends, with a Retry', async () => {
    let refuse!: () => void;
    const refused = new Promise<void>((resolve) => (refuse = resolve));
    world.fake.script([
      {
        reply: streamReply([[text('No code needed:')], [text(' 2 + 2 is 4.')]], {
          // The boot fails between the answer's two chunks.
          beforeChunk: async (index) => {
            if (index !== 1) return;
            refuse();
            await new Promise((resolve) => setTimeout(resolve, 1500));
          },
        }),
      },
    ]);
    const context = await world.newContext({ viewport: { width: 1000, height: 900 } });
    await context.route(/\/pyodide\//, async (route) => {
      await refused;
      await route.fulfill({ status: 404, body: 'gone' }).catch(() => undefined);
    });
    const page = await context.newPage();
    await page.goto(`${world.server.origin}${PAGE}?`);
    await page.waitForFunction(() => customElements.get('code-exec-chat'));
    await page.evaluate(() => {
      (document.querySelector('#chat0') as CodeExecChat).apiKey = 'test-key';
    });
    await type(page, 'What is 2 + 2?');
    await sendAndWait(page, '#chat0');
    expect(await transcriptText(page, '#chat0')).toContain('2 + 2 is 4.');
    const errors = page.locator('#chat0 .error[role="alert"]');
    await expect.poll(() => errors.count()).toBe(1);
    expect(await errors.innerText()).toContain('Python could not start');
    expect(await errors.locator('button.retry').count()).toBe(1);
  });

  test('a rejected key says so and points to the settings', async () => {
    world.fake.script([{ reply: apiError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.') }]);
    const { page } = await openChat('execution=server');
    await type(page, 'hello');
    await sendAndWait(page, '#chat0');
    const error = page.locator('#chat0 .error[role="alert"]');
    expect(await error.innerText()).toContain('The API key was not accepted');
    await error.locator('button', { hasText: 'Check API key' }).click();
    expect(await page.locator('#chat0 dialog').evaluate((dialog: HTMLDialogElement) => dialog.open)).toBe(true);
  });

  test('after the welcome, a message sent without a key stays in the box and Settings opens at the key field', async () => {
    world.fake.script([{ reply: apiError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.') }]);
    const { page } = await openChat('execution=server');
    await type(page, 'hello');
    await sendAndWait(page, '#chat0');
    // A conversation is on screen (the rejected message); now there is no key at all.
    await page.evaluate(() => {
      (document.querySelector('#chat0') as CodeExecChat).apiKey = '';
    });
    await type(page, 'hello again');
    await page.locator('#chat0 cec-composer textarea').press('Enter');
    await expect.poll(() => page.locator('#chat0 cec-settings dialog').evaluate((dialog: HTMLDialogElement) => dialog.open)).toBe(true);
    expect(await page.locator('#chat0 cec-composer textarea').inputValue()).toBe('hello again');
    expect(await page.locator('#chat0 .error[role="alert"]').last().innerText()).toContain('Your message is still in the box');
    expect(
      await page.evaluate(() => {
        let el: Element | null = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        return el?.getAttribute('name');
      }),
    ).toBe('key');
  });

  test('record mode: a live session saved as a recording replays, running the code again', async () => {
    world.fake.script(seedLocalTurns());
    const { page } = await openChat('');
    await waitForSandbox(page, '#chat0');
    await type(page, SEED_PROMPT);
    await sendAndWait(page, '#chat0');
    const recording = await page.evaluate(() => (document.querySelector('#chat0') as CodeExecChat).exportRecording({ title: 'Recorded primes' }));
    expect(recording.messages).toHaveLength(1);
    expect(recording.messages[0].turns[0].parts?.some((part) => part.functionCall?.name === 'run_python')).toBe(true);

    // Replay it: no request reaches the fake server, and the code runs again.
    const before = world.fake.requests.length;
    await page.evaluate(async (r: Recording) => {
      const url = URL.createObjectURL(new Blob([JSON.stringify(r)], { type: 'application/json' }));
      await (document.querySelector('#chat0') as CodeExecChat).loadDemo(url);
    }, recording);
    await expect.poll(() => page.locator('#chat0 cec-composer textarea').inputValue()).toBe(SEED_PROMPT);
    await sendAndWait(page, '#chat0');
    expect(await transcriptText(page, '#chat0')).toContain('The sum of the first 50 prime numbers is 5117.');
    expect(world.fake.requests.length).toBe(before);
  });
});

describe("code mode: the page's functions called from the model's Python", { timeout: TIMEOUT_MS }, () => {
  test('one run_python call whose code calls a page function 3 times: the cell lists the three calls, in a 400 px sidebar in the dark', async () => {
    const code = 'total = 0\nfor region in ["north", "south", "<b>east</b>"]:\n    total += await default_api.get_sales(region=region)\nprint(total)';
    world.fake.script([
      { reply: reply([text('Adding up the regions.'), runPythonCall(code, 'call-1')]) },
      { reply: (request) => reply([text(`The total is ${outputOf(request).trim()}.`)]) },
    ]);
    const { page, log } = await openChat('', 'dark');
    await page.setViewportSize({ width: 400, height: 800 });
    await page.evaluate(() => {
      (document.querySelector('#chat0') as CodeExecChat).functions = [
        {
          declaration: {
            name: 'get_sales',
            description: 'Units sold in a region.',
            parametersJsonSchema: { type: 'object', properties: { region: { type: 'string' } } },
          },
          callableFrom: 'code',
          handler: ({ region }) => ({ north: 10, south: 20 })[region as string] ?? 12,
        },
      ];
    });
    // Checked when set; a list set before the element was defined (here: made in an inert document) is taken over when it upgrades.
    expect(
      await page.evaluate(() => {
        const handler = () => 1;
        const refused = (() => {
          try {
            (document.querySelector('#chat0') as CodeExecChat).functions = [{ declaration: { name: 'not a name' }, callableFrom: 'code', handler }];
          } catch (error) {
            return String(error);
          }
        })();
        const early = document.implementation.createHTMLDocument('').createElement('code-exec-chat') as CodeExecChat;
        early.functions = [{ declaration: { name: 'early' }, callableFrom: 'code', handler }];
        early.setAttribute('execution', 'server');
        early.setAttribute('persist', 'off');
        document.body.append(early);
        const taken = { names: early.functions.map((fn) => fn.declaration.name), frozen: Object.isFrozen(early.functions) };
        early.remove();
        return { refused, taken, kept: (document.querySelector('#chat0') as CodeExecChat).functions.length };
      }),
    ).toEqual({ refused: expect.stringContaining('TypeError'), taken: { names: ['early'], frozen: true }, kept: 1 });
    await waitForSandbox(page, '#chat0');
    await type(page, 'Total sales?');
    await sendAndWait(page, '#chat0');
    expect(world.fake.failures).toEqual([]);
    // One run_python call, one cell; the model saw the printed total only.
    expect(world.fake.requests).toHaveLength(2);
    expect(await transcriptText(page, '#chat0')).toContain('The total is 42.');
    const calls = page.locator('#chat0 .cell .cell-calls');
    expect(await calls.locator('.calls-caption').innerText()).toBe('3 function calls');
    const items = calls.getByRole('list', { name: 'Function calls from this code' }).getByRole('listitem');
    expect(await items.allInnerTexts()).toEqual([
      expect.stringMatching(/^get_sales\(region="north"\) ok \d+ ms$/),
      expect.stringMatching(/^get_sales\(region="south"\) ok \d+ ms$/),
      expect.stringMatching(/^get_sales\(region="<b>east<\/b>"\) ok \d+ ms$/),
    ]);
    // Inside the cell, under its code and before its output; the markup in an argument is text.
    expect(await page.locator('#chat0 .cell > :is(pre.code, .cell-calls, pre.output)').evaluateAll((els) => els.map((el) => el.className))).toEqual([
      'code',
      'cell-calls',
      'output',
    ]);
    expect(await calls.locator('b').count()).toBe(0);
    // Fits the sidebar: nothing wider than the list.
    expect(await calls.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    // The test page's own structure (it has no main landmark) is not the widget's business.
    const violations = (await axeViolations(page)).filter((v) => !['landmark-one-main', 'region'].includes(v.id));
    expect(violations).toEqual([]);
    expect(log.filter((line) => line.startsWith('[pageerror]'))).toEqual([]);
    await screenshot(page, 'code-mode-calls-dark-400');
  });
});

describe('attachments, mode switch and key storage', { timeout: TIMEOUT_MS }, () => {
  test("picked and dropped files, and a File the page hands to the element's send(), reach the code by name and are shown to the model", async () => {
    const PNG_1X1 = PNG_1X1_BASE64;
    world.fake.script([
      {
        expect: (request) => {
          const parts = lastTurn(request).parts ?? [];
          if (!parts.some((part) => part.text?.includes('Attached file "sales.csv"') && part.text.includes('north,10')))
            throw new Error('the CSV is not shown to the model');
          if (!parts.some((part) => part.inlineData?.mimeType === 'image/png')) throw new Error('the image is not shown to the model');
        },
        reply: reply([runPythonCall('import os\nprint(open("sales.csv").read().strip().splitlines()[1], sorted(os.listdir(".")))')]),
      },
      { reply: (request) => reply([text(`The file says: ${outputOf(request).trim()}`)]) },
      // The page's own send(), with a File as a browser makes it (a CSV gets an empty type).
      {
        expect: (request) => {
          const parts = lastTurn(request).parts ?? [];
          if (!parts.some((part) => part.text === 'And this one?')) throw new Error('the text sent by send() is missing');
          if (!parts.some((part) => part.text?.includes('Attached file "costs.csv"') && part.text.includes('south,7')))
            throw new Error('the CSV handed to send() is not shown to the model');
        },
        reply: reply([runPythonCall('print(open("costs.csv").read().split()[1])')]),
      },
      { reply: (request) => reply([text(`That one says: ${outputOf(request).trim()}`)]) },
    ]);
    const { page } = await openChat('');
    await waitForSandbox(page, '#chat0');
    await page
      .locator('#chat0 cec-composer input[type=file]')
      .setInputFiles({ name: 'sales.csv', mimeType: '', buffer: Buffer.from('region,total\nnorth,10\n') });
    // Drag and drop onto the chat.
    const dataTransfer = await page.evaluateHandle((png) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(png), (c) => c.charCodeAt(0))], 'dot.png', { type: 'image/png' }));
      return transfer;
    }, PNG_1X1);
    await page.locator('#chat0 .frame').dispatchEvent('dragover', { dataTransfer });
    await page.locator('#chat0 .frame').dispatchEvent('drop', { dataTransfer });
    await expect
      .poll(() => page.locator('#chat0 cec-composer .chip').allInnerTexts())
      .toEqual([expect.stringContaining('sales.csv'), expect.stringContaining('dot.png')]);
    await type(page, 'What is in the file?');
    await sendAndWait(page, '#chat0');
    expect(world.fake.failures).toEqual([]);
    expect(await transcriptText(page, '#chat0')).toContain("The file says: north,10 ['dot.png', 'sales.csv']");
    expect(await page.locator('#chat0 .turn.user .file-pill').allInnerTexts()).toEqual([
      expect.stringContaining('sales.csv'),
      expect.stringContaining('dot.png'),
    ]);

    // A string, so the test runner leaves the page's own import() alone.
    await page.evaluate(`(async () => {
      const { attachmentsFromFiles } = await import('/dist/widget.js');
      const files = await attachmentsFromFiles([new File(['region,total\\nsouth,7\\n'], 'costs.csv')]);
      await document.querySelector('#chat0').send('And this one?', files);
    })()`);
    expect(world.fake.failures).toEqual([]);
    expect(await transcriptText(page, '#chat0')).toContain('That one says: south,7');
    expect(await page.locator('#chat0 .turn.user .file-pill').allInnerTexts()).toContainEqual(expect.stringContaining('costs.csv'));
  });

  test('switching to server execution carries the conversation over', async () => {
    world.fake.script([
      ...seedLocalTurns(),
      {
        expect: (request) => {
          const contents = request.body.contents;
          if (contents.some((content) => content.parts?.some((part) => part.functionCall || part.functionResponse)))
            throw new Error('run_python turns were sent to server mode');
          if (!contents.some((content) => content.parts?.some((part) => part.codeExecutionResult?.output?.includes('5117'))))
            throw new Error('the earlier result is missing');
        },
        reply: reply([text('Yes: 5117 is odd.')]),
      },
    ]);
    const { page } = await openChat('');
    await waitForSandbox(page, '#chat0');
    await type(page, SEED_PROMPT);
    await sendAndWait(page, '#chat0');
    await page.locator('#chat0 .segmented button', { hasText: 'Gemini server' }).click();
    expect(await transcriptText(page, '#chat0')).toContain("Code now runs on Gemini's servers");
    await type(page, 'Is that number odd?');
    await sendAndWait(page, '#chat0');
    expect(world.fake.failures).toEqual([]);
    expect(await transcriptText(page, '#chat0')).toContain('Yes: 5117 is odd.');
  });

  test('the key is remembered only when asked, and can be forgotten', async () => {
    const context = await world.newContext({}, false);
    const page = await context.newPage();
    await page.goto(`${world.server.origin}${PAGE}?execution=server`);
    const form = page.locator('#chat0 .welcome cec-key-form');
    await form.locator('input[name=key]').fill('key-for-this-page');
    await form.locator('button[type=submit]').click();
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain('key-for-this-page');
    expect(await page.locator('#chat0 .welcome cec-key-form').count()).toBe(0);

    await page.locator('#chat0 button[aria-label="Settings"]').click();
    const settings = page.locator('#chat0 dialog cec-key-form');
    expect(await settings.locator('.saved').innerText()).toContain('(for this page only)');
    await settings.locator('input[name=key]').fill('remembered-key');
    await settings.locator('input[name=remember]').check();
    await settings.locator('button[type=submit]').click();
    expect(await page.evaluate(() => JSON.stringify(localStorage))).toContain('remembered-key');
    await page.reload();
    await page.locator('#chat0 button[aria-label="Settings"]').click();
    expect(await page.locator('#chat0 dialog cec-key-form .saved').innerText()).toContain('(remembered on this device)');
    await page.locator('#chat0 dialog cec-key-form button', { hasText: 'Forget key' }).click();
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain('remembered-key');
  });
});

describe('server-side execution against the fake Gemini', { timeout: TIMEOUT_MS }, () => {
  test('Gemini runs the code; the same renderer shows its parts', async () => {
    world.fake.script(seedServerTurns());
    const { page, log } = await openChat('execution=server', 'dark');
    // Server mode needs no Python in the page.
    expect(await page.evaluate(() => (document.querySelector('#chat0') as CodeExecChat).sandbox)).toBeUndefined();
    await type(page, SEED_PROMPT);
    await sendAndWait(page, '#chat0');
    const text = await transcriptText(page, '#chat0');
    expect(text).toContain('The sum of the first 50 prime numbers is 5117.');
    expect(await page.locator('#chat0 .cell .badge.ok').count()).toBe(1);
    expect(await page.locator('#chat0 .cell pre.output').innerText()).toContain('5117');
    expect(world.fake.failures).toEqual([]);
    expect(world.fake.requests[0].body.tools?.some((tool) => tool.codeExecution)).toBe(true);
    expect(log.filter((line) => line.startsWith('[pageerror]'))).toEqual([]);
    await screenshot(page, 'server-conversation-dark');
  });
});
