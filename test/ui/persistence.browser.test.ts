/**
 * Nothing lost: the conversation is kept in the page's IndexedDB and survives a reload, a crash of
 * the interpreter, and a reload in the middle of an answer; the user continues where they were.
 * "Gemini" is the fake server (test/fake-gemini), which also checks that the restored history is
 * sent back as the API requires (thought signatures verbatim, calls paired with responses).
 *
 * Needs the built site (`npm run build`). Screenshots go to test-results/ui-*.png.
 */
import { Language, Outcome } from '@google/genai';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { CodeExecChat } from '../../src/ui/code-exec-chat/code-exec-chat.js';
import { SEED_PROMPT, functionResponses, lastTurn, outputOf, reply, runPythonCall, seedLocalTurns, seedServerTurns, text } from '../fake-gemini/scenarios.js';
import { collectLog, indexedDbContents, indexedDbCount, screenshot, sendAndWait, transcriptText, useFakeGemini } from '../support/widget-page.js';
import { PNG_1X1_BASE64 } from '../support/png.js';

const TIMEOUT_MS = 120_000;
const PAGE = '/test/ui/pages/plain.html';
const CHAT = '#chat0';
/** Distinctive, so a search of the storage cannot miss it. */
const API_KEY = 'AIzaSy-test-key-that-must-never-be-stored';
const ANSWER = 'The sum of the first 50 prime numbers is 5117.';

const world = useFakeGemini(TIMEOUT_MS);
/** The conversation kept without Python's state: a reload starts a new interpreter (saved-state.browser.test.ts has the other case). */
const CONVERSATION_ONLY = 'persist=conversation';

/** A plain page with one widget (id chat0, so its storage key is "chat0"); a fresh browser profile each test. */
async function openChat(query = ''): Promise<Page> {
  const context = await world.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  collectLog(page);
  await page.goto(`${world.server.origin}${PAGE}?${query}`);
  await giveKey(page);
  return page;
}

/** The key is held in memory only, so every page load is given it again (as an embedding page would). */
async function giveKey(page: Page): Promise<void> {
  await page.waitForFunction(() => customElements.get('code-exec-chat'));
  await page.evaluate((key) => {
    (document.querySelector('#chat0') as CodeExecChat).apiKey = key;
  }, API_KEY);
}

async function reload(page: Page): Promise<void> {
  await page.reload();
  await giveKey(page);
}

async function say(page: Page, message: string): Promise<void> {
  await page.locator(`${CHAT} cec-composer textarea`).fill(message);
  await sendAndWait(page, CHAT);
}

/** The seed conversation: the model runs code in the page and quotes its output. */
async function askForPrimes(page: Page): Promise<void> {
  world.fake.script(seedLocalTurns());
  await say(page, SEED_PROMPT);
  expect(await transcriptText(page, CHAT)).toContain(ANSWER);
}

/** Waits until a restored conversation is on screen. */
async function restored(page: Page): Promise<void> {
  await expect.poll(() => page.locator(`${CHAT} [data-entry="divider"]`).count(), { timeout: 20_000 }).toBeGreaterThan(0);
}

describe('a page reload', { timeout: TIMEOUT_MS }, () => {
  test('does not announce the restored answer as a new one (the status region stays silent)', async () => {
    const page = await openChat();
    const status = page.locator(`${CHAT} [role=status]`);
    await askForPrimes(page);
    expect(await status.textContent()).toBe('Answer ready');
    await reload(page);
    await restored(page);
    expect(await status.textContent()).toBe('');
  });

  test("the divider saying Python's state was restored fits a 400 px sidebar, a 390 px phone and dark mode", async () => {
    const page = await openChat();
    await askForPrimes(page);
    // The interpreter is stored a moment after the answer.
    await expect.poll(() => indexedDbCount(page, 'interpreters'), { timeout: 60_000 }).toBeGreaterThan(0);
    const divider = page.locator(`${CHAT} .divider`);
    for (const [width, height, scheme] of [
      [400, 800, 'light'],
      [390, 844, 'light'],
      [400, 800, 'dark'],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      await reload(page);
      await expect.poll(() => divider.innerText(), { timeout: 60_000 }).toContain("Python's state was restored");
      // Wrapped, not cut: nothing of it reaches past its own box or the widget's.
      expect(await divider.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
      expect(await page.locator(CHAT).evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
      await screenshot(page, `state-restored-${width}-${scheme}`);
    }
  });

  test('shows the conversation again, with a divider saying Python restarted', async () => {
    const page = await openChat(CONVERSATION_ONLY);
    await askForPrimes(page);
    await reload(page);
    await restored(page);
    const text = await transcriptText(page, CHAT);
    expect(text).toContain(SEED_PROMPT);
    expect(text).toContain("I'll compute the first 50 primes and add them up.");
    expect(text).toContain(ANSWER);
    expect(await page.locator(`${CHAT} .cell .badge.ok`).count()).toBe(1);
    expect(await page.locator(`${CHAT} .cell pre.output`).innerText()).toContain('5117');
    expect(await page.locator(`${CHAT} .divider`).innerText()).toContain('Python restarted');
    await screenshot(page, 'restored-conversation');
  });

  test('the next message continues the conversation: the model gets the earlier turns and is told Python restarted', async () => {
    const page = await openChat(CONVERSATION_ONLY);
    await askForPrimes(page);
    await reload(page);
    await restored(page);
    world.fake.script([
      {
        expect: (request) => {
          const contents = request.body.contents;
          if (contents[0].parts?.at(-1)?.text !== SEED_PROMPT) throw new Error('the first message is missing');
          if (!contents.some((content) => content.parts?.some((part) => part.functionResponse?.response?.output === '5117\n')))
            throw new Error('the earlier run is missing');
          const note =
            lastTurn(request)
              .parts?.map((part) => part.text ?? '')
              .join('\n') ?? '';
          if (!/interpreter was restarted/.test(note) || !note.endsWith('Is that number odd?'))
            throw new Error(`the restart note or the message is missing: ${note}`);
        },
        reply: reply([text('Yes: 5117 is odd.')]),
      },
    ]);
    await say(page, 'Is that number odd?');
    expect(world.fake.failures).toEqual([]);
    expect(await transcriptText(page, CHAT)).toContain('Yes: 5117 is odd.');
  });

  test('writes the attached files into the new interpreter', async () => {
    const page = await openChat(CONVERSATION_ONLY);
    await page
      .locator(`${CHAT} cec-composer input[type=file]`)
      .setInputFiles({ name: 'sales.csv', mimeType: 'text/csv', buffer: Buffer.from('region,total\nnorth,10\n') });
    await expect.poll(() => page.locator(`${CHAT} cec-composer .chip`).count()).toBe(1);
    world.fake.script([{ reply: reply([text('Got the file.')]) }]);
    await say(page, 'Here is my data.');
    // The answered turn is stored a moment after it shows (IndexedDB); a reload before that finds the question only.
    await expect.poll(() => indexedDbContents(page), { timeout: 10_000 }).toContain('Got the file.');
    await reload(page);
    await restored(page);
    expect(await page.locator(`${CHAT} .divider`).innerText()).toContain('sales.csv');
    expect(await page.locator(`${CHAT} .turn.user .file-pill`).innerText()).toContain('sales.csv');
    world.fake.script([
      { reply: reply([runPythonCall('print(open("sales.csv").read().splitlines()[1])')]) },
      { reply: (request) => reply([text(`The second line is ${outputOf(request).trim()}.`)]) },
    ]);
    await say(page, 'What is its second line?');
    expect(world.fake.failures).toEqual([]);
    expect(await transcriptText(page, CHAT)).toContain('The second line is north,10.');
  });

  test("brings back the code's helpers in skills/, importable in the new interpreter", async () => {
    const page = await openChat(CONVERSATION_ONLY);
    const save = 'import os\nos.makedirs("skills", exist_ok=True)\n_ = open("skills/tally.py", "w").write("def tally(xs):\\n    return sum(xs)\\n")';
    world.fake.script([{ reply: reply([runPythonCall(save)]) }, { reply: reply([text('Saved the helper.')]) }]);
    await say(page, 'Keep a helper.');
    await expect.poll(() => indexedDbContents(page), { timeout: 10_000 }).toContain('Saved the helper.');
    await reload(page);
    await restored(page);
    expect(await page.locator(`${CHAT} .divider`).innerText()).toContain('skills/tally.py');
    world.fake.script([
      { reply: reply([runPythonCall('from skills.tally import tally\nprint(tally([40, 2]))')]) },
      { reply: (request) => reply([text(`It says ${outputOf(request).trim()}.`)]) },
    ]);
    await say(page, 'Use it.');
    expect(world.fake.failures).toEqual([]);
    expect(await transcriptText(page, CHAT)).toContain('It says 42.');
  });

  test('in the middle of an answer keeps the question, marked as left out of the conversation', async () => {
    const page = await openChat();
    world.fake.script([{ reply: { hang: true } }]);
    await page.locator(`${CHAT} cec-composer textarea`).fill('A question that is never answered');
    await page.locator(`${CHAT} cec-composer button[aria-label="Send message"]`).click();
    await expect.poll(() => world.fake.requests.length, { timeout: 45_000 }).toBe(1);
    await reload(page);
    await restored(page);
    expect(await page.locator(`${CHAT} .turn.user.dropped`).innerText()).toContain('A question that is never answered');
    expect(await transcriptText(page, CHAT)).toContain('The page was reloaded before this message was answered.');
  });
});

describe('large media', { timeout: TIMEOUT_MS }, () => {
  test('an image too large to keep comes back as a note in its place', async () => {
    const page = await openChat('execution=server');
    // Over MAX_SAVED_MEDIA_BYTES (1 MiB); the bytes need not be a valid image for this.
    const big = { mimeType: 'image/png', data: 'A'.repeat(1_500_000) };
    const small = { mimeType: 'image/png', data: PNG_1X1_BASE64 };
    world.fake.script([
      {
        reply: reply([
          { executableCode: { language: Language.PYTHON, code: 'plot()' } },
          { codeExecutionResult: { outcome: Outcome.OUTCOME_OK, output: '' } },
          { inlineData: small },
          { inlineData: big },
          text('Two charts.'),
        ]),
      },
    ]);
    await say(page, 'Draw two charts.');
    expect(await page.locator(`${CHAT} .cell img.figure`).count()).toBe(2);
    await reload(page);
    await expect.poll(() => page.locator(`${CHAT} .cell .media-omitted`).count(), { timeout: 20_000 }).toBe(1);
    expect(await page.locator(`${CHAT} .cell img.figure`).count()).toBe(1);
    expect(await page.locator(`${CHAT} .cell .media-omitted`).innerText()).toContain('too large to keep');
    await screenshot(page, 'restored-large-image');
  });
});

describe('faults while chatting', { timeout: TIMEOUT_MS }, () => {
  test('a fatal interpreter error (os._exit) keeps the transcript, and the next message works', async () => {
    const page = await openChat();
    world.fake.script([{ reply: reply([runPythonCall('x = 41\nprint("x is set")')]) }, { reply: reply([text('Done: x is set.')]) }]);
    await say(page, 'Set x.');
    world.fake.script([
      { reply: reply([runPythonCall('import os\nos._exit(0)')]) },
      {
        expect: (request) => {
          if (functionResponses(request)[0]?.response?.stateLost !== true) throw new Error('the model was not told the interpreter was lost');
        },
        reply: reply([text('Python was restarted; x is gone.')]),
      },
    ]);
    await say(page, 'Exit the interpreter.');
    expect(await page.locator(`${CHAT} .divider`).innerText()).toContain('Python restarted during this message');
    world.fake.script([
      { reply: reply([runPythonCall('print(6 * 7)')]) },
      { reply: (request) => reply([text(`Still working: ${outputOf(request).trim()}.`)]) },
    ]);
    await say(page, 'Does Python still work?');
    expect(world.fake.failures).toEqual([]);
    const transcript = await transcriptText(page, CHAT);
    for (const line of ['Set x.', 'Done: x is set.', 'Exit the interpreter.', 'Python was restarted; x is gone.', 'Still working: 42.'])
      expect(transcript).toContain(line);
    // The saved copy has all of it too.
    expect(await indexedDbContents(page)).toContain('Still working: 42.');
    await screenshot(page, 'after-fatal-error');
  });
});

describe('what is stored', { timeout: TIMEOUT_MS }, () => {
  test('New deletes the saved conversation', async () => {
    const page = await openChat();
    await askForPrimes(page);
    expect(await indexedDbContents(page)).toContain(ANSWER);
    await page.locator(`${CHAT} button[aria-label="New chat"]`).click();
    await expect.poll(() => indexedDbContents(page)).not.toContain(ANSWER);
    await reload(page);
    await expect.poll(() => page.locator(`${CHAT} .welcome`).count()).toBe(1);
    expect(await page.locator(`${CHAT} [data-entry]`).count()).toBe(0);
  });

  test('each widget is saved under its storage key: the storage-key attribute, else its id', async () => {
    const page = await openChat('execution=server&storage-key=article-42');
    world.fake.script(seedServerTurns());
    await say(page, SEED_PROMPT);
    expect(Object.keys(JSON.parse(await indexedDbContents(page)))).toEqual(['code-exec-chat/conversations/article-42']);
    await page.evaluate(() => document.querySelector('#chat0')!.removeAttribute('storage-key'));
    world.fake.script([{ reply: reply([text('Yes.')]) }]);
    await say(page, 'Is that odd?');
    expect(Object.keys(JSON.parse(await indexedDbContents(page))).sort()).toEqual([
      'code-exec-chat/conversations/article-42',
      'code-exec-chat/conversations/chat0',
    ]);
  });

  test('the API key is not in IndexedDB', async () => {
    const page = await openChat();
    await askForPrimes(page);
    const stored = await indexedDbContents(page);
    expect(stored).toContain(ANSWER);
    expect(stored).not.toContain(API_KEY);
    expect(stored).not.toContain('test-key');
  });

  test('persist="off" stores nothing', async () => {
    const page = await openChat('persist=off');
    await askForPrimes(page);
    expect(await indexedDbContents(page)).toBe('{}');
    await reload(page);
    await expect.poll(() => page.locator(`${CHAT} .welcome`).count()).toBe(1);
  });

  test('where storage is blocked, the chat says the conversation is not saved, and goes on', async () => {
    const context = await world.newContext();
    // As in a sandboxed frame without allow-same-origin: touching indexedDB throws.
    await context.addInitScript(() =>
      Object.defineProperty(window, 'indexedDB', {
        get: () => {
          throw new DOMException('The operation is insecure.', 'SecurityError');
        },
      }),
    );
    const page = await context.newPage();
    await page.goto(`${world.server.origin}${PAGE}?execution=server`);
    await giveKey(page);
    world.fake.script(seedServerTurns());
    await say(page, SEED_PROMPT);
    await expect.poll(() => transcriptText(page, CHAT)).toContain('This conversation cannot be saved in this browser');
    world.fake.script([{ reply: reply([text('Yes.')]) }]);
    await say(page, 'Is that odd?');
    expect(world.fake.failures).toEqual([]);
    expect(await transcriptText(page, CHAT)).toContain('Yes.');
  });

  test('a demo is not saved, and leaving it brings the saved conversation back', async () => {
    const page = await openChat();
    await askForPrimes(page);
    await page.evaluate(() => (document.querySelector('#chat0') as CodeExecChat).loadDemo('/test/ui/pages/stop.recording.json'));
    await expect.poll(() => page.locator(`${CHAT} cec-composer textarea`).inputValue()).not.toBe('');
    await sendAndWait(page, CHAT);
    expect(await transcriptText(page, CHAT)).toContain('Done: x is set.');
    expect(await indexedDbContents(page)).not.toContain('Done: x is set.');
    await page.locator(`${CHAT} .demo-bar button`, { hasText: 'Exit demo' }).click();
    await expect.poll(() => transcriptText(page, CHAT)).toContain(ANSWER);
    expect(await transcriptText(page, CHAT)).not.toContain('Done: x is set.');
  });
});
