/**
 * Edit and Regenerate on a user message: the conversation and the page's Python go back to before
 * that message's first cell, so the new answer runs where the old one started, and the transcript
 * says so in one line. With the fake Gemini; keyboard only for Edit; axe in both themes; screenshots
 * of the note at 400 px, on a 390 px phone and in dark mode (test-results/ui-edit-rewind-*.png).
 *
 * Needs the built site (`npm run build`).
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { CodeExecChat } from '../../src/ui/code-exec-chat/code-exec-chat.js';
import { outputOf, reply, runPythonCall, text } from '../fake-gemini/scenarios.js';
import { expectNoViolations } from '../support/axe.js';
import { collectLog, indexedDbCount, screenshot, sendAndWait, transcriptText, useFakeGemini, waitForSandbox, waitIdle } from '../support/widget-page.js';

const TIMEOUT_MS = 120_000;
const NOTE = 'Python was rewound to before this message.';
const world = useFakeGemini(TIMEOUT_MS);

async function openChat(colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; log: string[] }> {
  const context = await world.newContext({ viewport: { width: 1000, height: 900 }, colorScheme });
  const page = await context.newPage();
  const log = collectLog(page);
  // A page with its own landmarks (axe checks the page), the widget in its 400 px sidebar.
  await page.goto(`${world.server.origin}/test/ui/pages/host.html`);
  await page.waitForFunction(() => customElements.get('code-exec-chat'));
  await page.evaluate(() => {
    (document.querySelector('#chat0') as CodeExecChat).apiKey = 'test-key';
  });
  await waitForSandbox(page, '#chat0');
  return { page, log };
}

/** A model turn that runs `code`, then one that says `answer`. */
function cellThenAnswer(code: string, answer: string) {
  return [{ reply: reply([runPythonCall(code)]) }, { reply: reply([text(answer)]) }];
}

async function send(page: Page, message: string): Promise<void> {
  await page.locator('#chat0 cec-composer textarea').fill(message);
  await sendAndWait(page, '#chat0');
}

/** Two messages: the first's cell sets x = 1 (`first`: and more), the second's x = 2. */
async function twoMessages(page: Page, then: ReturnType<typeof cellThenAnswer>, first = 'x = 1'): Promise<void> {
  world.fake.script([...cellThenAnswer(first, 'x is set to 1.'), ...cellThenAnswer('x = 2', 'x is set to 2.'), ...then]);
  await send(page, 'Set x to 1.');
  await send(page, 'Set x to 2.');
}

/** The texts of the user turns the model saw in the last request. */
function userTexts(): string[] {
  const contents = world.fake.requests.at(-1)?.body.contents ?? [];
  return contents.filter((c) => c.role === 'user').flatMap((c) => (c.parts ?? []).flatMap((p) => (p.text ? [p.text] : [])));
}

/** With the second message in the box (Edit pressed): sends "Print x." in its place; its cell prints 1, and the transcript says Python was rewound. The transcript. */
async function editedIntoPrint(page: Page): Promise<string> {
  const box = page.locator('#chat0 cec-composer textarea');
  await expect.poll(() => box.inputValue()).toBe('Set x to 2.');
  await box.fill('Print x.');
  await box.press('Enter');
  await expect.poll(() => transcriptText(page, '#chat0'), { timeout: 45_000 }).toContain('x is 1.');
  await waitIdle(page, '#chat0');
  expect(outputOf(world.fake.requests.at(-1)!)).toBe('1\n');
  expect(userTexts()).toEqual(['Set x to 1.', 'Print x.']);
  const transcript = await transcriptText(page, '#chat0');
  expect(transcript).toContain(NOTE);
  expect(transcript).not.toContain('Set x to 2.');
  return transcript;
}

describe('Edit and Regenerate rewind Python', { timeout: TIMEOUT_MS }, () => {
  test('editing the second message into one that prints x prints 1, and the transcript says Python was rewound', async () => {
    const { page, log } = await openChat();
    await twoMessages(page, cellThenAnswer('print(x)', 'x is 1.'));
    // Keyboard only: Shift+Tab from the second message's Regenerate reaches its Edit; Enter presses it.
    const edits = page.locator('#chat0 [data-entry="user"] button[aria-label="Edit this message"]');
    expect(await edits.count()).toBe(2);
    await page.locator('#chat0 [data-entry="user"] button[aria-label="Regenerate the answer to this message"]').nth(1).focus();
    await page.keyboard.press('Shift+Tab');
    expect(await edits.nth(1).evaluate((button) => button.matches(':focus'))).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#chat0 .editing-bar').innerText()).toContain('Editing an earlier message');
    const transcript = await editedIntoPrint(page);
    expect(transcript.indexOf(NOTE)).toBeLessThan(transcript.indexOf('Print x.'));
    expect(await page.locator('#chat0 .editing-bar').count()).toBe(0);
    expect(world.fake.failures).toEqual([]);
    await expectNoViolations(page);

    const note = page.locator('#chat0 p.notice', { hasText: NOTE });
    await note.scrollIntoViewIfNeeded();
    await page.locator('#chat0').screenshot({ path: 'test-results/ui-edit-rewind-400.png' });
    // A phone: the widget fills a 390 px screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => {
      document.querySelector('header')?.remove();
      document.querySelector('main')?.remove();
      document.body.style.margin = '0';
      document.querySelector<HTMLElement>('.layout')!.style.padding = '0';
      Object.assign(document.querySelector<HTMLElement>('aside')!.style, { width: '390px', height: '844px' });
    });
    await note.scrollIntoViewIfNeeded();
    await screenshot(page, 'edit-rewind-390');
    expect(log.filter((line) => line.startsWith('[pageerror]'))).toEqual([]);
  });

  test('after a reload between the second message and the edit, the edit still prints 1: Python comes back as it was kept before that message', async () => {
    const { page, log } = await openChat();
    // 6 MB that do not compress: the first message's save is still packing when the second is
    // sent (at once), and gives way to it; Python before the second message is kept all the same.
    await twoMessages(page, cellThenAnswer('print(x)', 'x is 1.'), 'import os\nx = 1\nnoise = os.urandom(6_000_000)');
    // Stored a moment after the answer: Python as the second message left it, and as it was before it.
    await expect.poll(() => indexedDbCount(page, 'interpreters'), { timeout: 60_000 }).toBe(2);
    await page.reload();
    await page.waitForFunction(() => customElements.get('code-exec-chat'));
    await page.evaluate(() => {
      (document.querySelector('#chat0') as CodeExecChat).apiKey = 'test-key';
    });
    // A boot and a 6 MB restore: about a second here, but a CI run beside other browsers took over 30 s.
    await expect.poll(() => transcriptText(page, '#chat0'), { timeout: 60_000 }).toContain("Python's state was restored");
    const edits = page.locator('#chat0 [data-entry="user"] button[aria-label="Edit this message"]');
    // The second message's Python before it is kept; the first's was never saved (nothing ran before it).
    await expect.poll(() => edits.count()).toBe(1);
    await edits.click();
    await editedIntoPrint(page);
    expect(world.fake.failures).toEqual([]);
    await expectNoViolations(page);
    expect(log.filter((line) => line.startsWith('[pageerror]'))).toEqual([]);
  });

  test('Regenerate sends the same message again from where it started; Cancel edit changes nothing (dark theme)', async () => {
    const { page } = await openChat('dark');
    await twoMessages(page, cellThenAnswer('print(x)', 'x was 1.'));
    const users = page.locator('#chat0 [data-entry="user"]');
    await users.nth(1).locator('button[aria-label="Edit this message"]').click();
    await page.locator('#chat0 .editing-bar button', { hasText: 'Cancel edit' }).click();
    expect(await page.locator('#chat0 cec-composer textarea').inputValue()).toBe('');
    expect(await users.count()).toBe(2);

    await users.nth(1).locator('button[aria-label="Regenerate the answer to this message"]').click();
    // As long as an edit's answer may take: the rewind restores Python in a new frame first (a
    // second on a loaded machine, where a poll's default second ran out).
    await expect.poll(() => transcriptText(page, '#chat0'), { timeout: 45_000 }).toContain('x was 1.');
    await waitIdle(page, '#chat0');
    expect(outputOf(world.fake.requests.at(-1)!)).toBe('1\n');
    expect(userTexts()).toEqual(['Set x to 1.', 'Set x to 2.']);
    expect(await transcriptText(page, '#chat0')).toContain(NOTE);
    expect(world.fake.failures).toEqual([]);
    await expectNoViolations(page);
    await page.locator('#chat0 p.notice', { hasText: NOTE }).scrollIntoViewIfNeeded();
    await page.locator('#chat0').screenshot({ path: 'test-results/ui-edit-rewind-dark.png' });
  });
});
