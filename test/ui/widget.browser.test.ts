/**
 * `<code-exec-chat>` embedded in a plain page (test/ui/pages/plain.html loads /dist/widget.js):
 * stopping a running cell, two independent widgets, sanitized model output, and a page served
 * without COOP/COEP. Test recordings stand in for Gemini; their code runs live.
 *
 * Needs the built site (`npm run build`).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CodeExecChat } from '../../src/ui/code-exec-chat/code-exec-chat.js';
import { type FakeIndex, indexWheelsMissing, startFakeIndex } from '../support/fake-pypi.js';
import { pauseAgainstIdle, pauseReport } from '../support/pause-bound.js';
import { useStaticServer } from '../support/use-static-server.js';
import { expectStateKept, stopWidgetRunInPage } from '../support/engines/widget-stop.js';
import { SERVE_ROOT, collectLog, runInChat, sendAndWait, screenshot, transcriptText, useChromium, waitForSandbox, waitIdle } from '../support/widget-page.js';

const TIMEOUT_MS = 90_000;
const PAGE = '/test/ui/pages/plain.html';
const chromium = useChromium(TIMEOUT_MS);

async function openPlainPage(origin: string, query: string): Promise<{ page: Page; log: string[] }> {
  const { context } = await chromium.open({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const log = collectLog(page);
  await page.goto(`${origin}${PAGE}?${query}`);
  return { page, log };
}

/** The longest the page's main thread was blocked (ms, sampled every 10 ms) while `fn` ran. */
async function longestStallDuring<T>(page: Page, fn: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
  const watch = await page.evaluateHandle(() => {
    const watched = { stallMs: 0, last: performance.now(), timer: 0 };
    watched.timer = window.setInterval(() => {
      const now = performance.now();
      watched.stallMs = Math.max(watched.stallMs, now - watched.last - 10);
      watched.last = now;
    }, 10);
    return watched;
  });
  const value = await fn();
  const stallMs = await watch.evaluate((watched) => {
    clearInterval(watched.timer);
    return watched.stallMs;
  });
  await watch.dispose();
  return { value, stallMs };
}

/** Waits until the composer holds the demo's next message. */
async function demoReady(page: Page, chat = '#chat0'): Promise<void> {
  await expect.poll(() => page.locator(`${chat} cec-composer textarea`).inputValue(), { timeout: 20_000 }).not.toBe('');
}

describe('on a cross-origin-isolated page', { timeout: TIMEOUT_MS }, () => {
  const ctx = useStaticServer({ root: SERVE_ROOT, crossOriginIsolated: true });

  test('a progress bar says what is happening while Python loads', async () => {
    const { page } = await openPlainPage(ctx.server.origin, '');
    const progress = page.locator('#chat0 cec-load-progress');
    await expect
      .poll(
        () =>
          progress
            .locator('.message')
            .innerText()
            .catch(() => ''),
        { timeout: 10_000 },
      )
      .toMatch(/Python|runtime/);
    expect(await progress.locator('[role=progressbar]').getAttribute('aria-valuetext')).toBeTruthy();
    await screenshot(page, 'loading');
    await waitForSandbox(page, '#chat0');
    // Once ready, the bar goes away.
    await expect.poll(() => progress.isVisible(), { timeout: 5_000 }).toBe(false);
  });

  test("the page styles the widget's regions through ::part()", async () => {
    const { page } = await openPlainPage(ctx.server.origin, '');
    await page.addStyleTag({
      content: 'code-exec-chat::part(header) { display: none } code-exec-chat::part(transcript) { outline: 3px solid rgb(255, 0, 0) }',
    });
    const chat = page.locator('#chat0');
    await expect.poll(() => chat.locator('header.top').isVisible()).toBe(false);
    expect(await chat.locator('.transcript').evaluate((e) => getComputedStyle(e).outlineColor)).toBe('rgb(255, 0, 0)');
    for (const part of ['composer', 'progress']) expect(await chat.locator(`[part="${part}"]`).count()).toBe(1);
  });

  test('Stop (button) interrupts a running cell; Python keeps its variables', async () => {
    const { page } = await openPlainPage(ctx.server.origin, 'demo=/test/ui/pages/stop.recording.json');
    await waitForSandbox(page, '#chat0');
    await demoReady(page);
    await sendAndWait(page, '#chat0');
    expect(await transcriptText(page, '#chat0')).toContain('Done: x is set.');

    // Message 2 loops forever: the cell shows as running with its live output, until Stop.
    await demoReady(page);
    await page.locator('#chat0 cec-composer button[aria-label="Send message"]').click();
    await expect.poll(() => page.locator('#chat0 .cell.running pre.output.live').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('#chat0 .cell.running pre.output.live').innerText()).toContain('started');
    await screenshot(page, 'stop-running-cell');
    await page.locator('#chat0 cec-composer button[aria-label="Stop"]').click();
    await waitIdle(page, '#chat0');
    expect(await transcriptText(page, '#chat0')).toContain('Stopped. This message and its answer were left out');
    expect(await page.locator('#chat0 .turn.model.stopped').count()).toBe(1);

    // The interpreter survived the interrupt: x is still 41.
    const result = await runInChat(page, 'x + 1', '#chat0');
    expect(result.result).toBe('42');
    expect(result.stateLost).toBe(false);
  });

  test('Escape stops too', async () => {
    const { page } = await openPlainPage(ctx.server.origin, 'demo=/test/ui/pages/stop.recording.json');
    await waitForSandbox(page, '#chat0');
    await demoReady(page);
    await sendAndWait(page, '#chat0');
    await demoReady(page);
    await page.locator('#chat0 cec-composer textarea').press('Enter');
    await expect.poll(() => page.locator('#chat0 .cell.running').count(), { timeout: 30_000 }).toBe(1);
    await page.locator('#chat0 cec-composer textarea').press('Escape');
    await waitIdle(page, '#chat0');
    expect(await page.locator('#chat0 .turn.model.stopped').count()).toBe(1);
  });

  test('the transcript follows the answer to its end, and stays where a reader who scrolled up left it', async () => {
    const { page } = await openPlainPage(ctx.server.origin, 'demo=/dist/demos/primes.json');
    await page.setViewportSize({ width: 1000, height: 500 });
    await page.evaluate(() => ((document.querySelector('#chat0') as HTMLElement).style.height = '400px'));
    await waitForSandbox(page, '#chat0');
    await demoReady(page);
    await sendAndWait(page, '#chat0');
    const transcript = page.locator('#chat0 .transcript');
    const gap = () =>
      transcript.evaluate((el) => ({ overflow: el.scrollHeight - el.clientHeight, fromBottom: el.scrollHeight - el.scrollTop - el.clientHeight }));
    await expect.poll(async () => (await gap()).fromBottom).toBeLessThan(2);
    expect((await gap()).overflow).toBeGreaterThan(100);
    // The composer growing (its own element, updated after the chat's) shortens the transcript: the end stays in view.
    await page.locator('#chat0 .bottom').evaluate((el) => ((el as HTMLElement).style.paddingBottom = '60px'));
    await expect.poll(async () => (await gap()).fromBottom).toBeLessThan(2);
    // The reader's scroll and its event in one task, as a browser runs a frame's scroll events
    // before its resize observers: apart, a late render (under load) could follow in between.
    await transcript.evaluate((el) => {
      el.scrollTo({ top: 0 });
      el.dispatchEvent(new Event('scroll'));
    });
    // New content (the chat re-renders on a notice) leaves the reader where they are.
    await page.evaluate(() => (document.querySelector('#chat0') as CodeExecChat).requestUpdate());
    await page.waitForTimeout(200);
    expect(await transcript.evaluate((el) => el.scrollTop)).toBe(0);
  });

  test('with api="interactions" a recorded demo still plays on generateContent, and Settings offers the choice as a labelled select', async () => {
    const { page } = await openPlainPage(ctx.server.origin, 'api=interactions&demo=/dist/demos/primes.json');
    await waitForSandbox(page, '#chat0');
    await demoReady(page);
    await sendAndWait(page, '#chat0');
    expect(await transcriptText(page, '#chat0')).toContain('is 5117.');
    await page.locator('#chat0 button[aria-label="Settings"]').click();
    const api = page.locator('#chat0 cec-settings').getByRole('combobox', { name: 'API' });
    expect(await api.inputValue()).toBe('interactions');
    await api.focus();
    expect(await api.evaluate((el) => (el.getRootNode() as ShadowRoot).getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent)).toContain(
      'replay on generateContent',
    );
  });

  test('two widgets on one page each have their own Python', async () => {
    const { page } = await openPlainPage(ctx.server.origin, 'count=2&demo=/dist/demos/primes.json');
    await waitForSandbox(page, '#chat0');
    await waitForSandbox(page, '#chat1');
    expect(
      await page.evaluate(() => (document.querySelector('#chat0') as CodeExecChat).sandbox !== (document.querySelector('#chat1') as CodeExecChat).sandbox),
    ).toBe(true);
    await demoReady(page, '#chat0');
    await demoReady(page, '#chat1');
    // Both run at once.
    await page.locator('#chat0 cec-composer button[aria-label="Send message"]').click();
    await page.locator('#chat1 cec-composer button[aria-label="Send message"]').click();
    await waitIdle(page, '#chat0');
    await waitIdle(page, '#chat1');
    for (const chat of ['#chat0', '#chat1']) expect(await transcriptText(page, chat)).toContain('is 5117.');
    // State is per widget.
    await runInChat(page, 'only_here = 1', '#chat0');
    expect((await runInChat(page, 'only_here', '#chat1')).error?.name).toBe('NameError');
    expect((await runInChat(page, 'only_here', '#chat0')).result).toBe('1');
    await screenshot(page, 'two-widgets');
  });

  test('model Markdown and code output cannot run script', async () => {
    const { page, log } = await openPlainPage(ctx.server.origin, 'demo=/test/ui/pages/xss.recording.json');
    await waitForSandbox(page, '#chat0');
    await demoReady(page);
    await sendAndWait(page, '#chat0');
    const text = await transcriptText(page, '#chat0');
    expect(text).toContain('Sanitized output below.');
    // Code output is text: shown literally. The same string quoted into model Markdown is sanitized away.
    expect(await page.locator('#chat0 .cell pre.output').innerText()).toContain('<img src=x onerror="window.__xss = 9">');
    expect(text).toContain('The code printed:');
    // Give any injected handler a chance to fire, then click everything clickable in the answer.
    for (const link of await page.locator('#chat0 .md a').all()) await link.click({ modifiers: ['Control'] }).catch(() => undefined);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    const dangerous = await page.locator('#chat0').evaluate((host) => {
      const root = host.shadowRoot!;
      return {
        scripts: root.querySelectorAll('.md script, .md iframe, .md svg').length,
        handlers: [...root.querySelectorAll('.md *')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on') || a.name === 'style')).length,
        jsLinks: [...root.querySelectorAll('.md a')].filter((a) => /^\s*javascript:/i.test(a.getAttribute('href') ?? '')).length,
        remoteImages: [...root.querySelectorAll('.md img')].filter((img) => /^https?:/.test(img.getAttribute('src') ?? '')).length,
        bold: root.querySelectorAll('.md b').length,
      };
    });
    expect(dangerous).toEqual({ scripts: 0, handlers: 0, jsLinks: 0, remoteImages: 0, bold: 1 });
    expect(log.filter((line) => line.startsWith('[pageerror]'))).toEqual([]);
  });

  // 5,000 one-byte files with long names were 5,000 links, multi-megabyte
  // requests on every later turn and a 7.4 s main-thread stall.
  test('a run that writes 5,000 files shows at most 20 download links, counts the rest, and never stalls the page for long', async () => {
    const { page } = await openPlainPage(ctx.server.origin, 'demo=/test/ui/pages/files-flood.recording.json');
    await waitForSandbox(page, '#chat0');
    await demoReady(page);
    const pauses = await pauseAgainstIdle(
      (fn) => longestStallDuring(page, fn),
      1000,
      () => sendAndWait(page, '#chat0'),
    );
    expect(await transcriptText(page, '#chat0')).toContain('wrote 5000 files');
    const shown = await page.locator('#chat0').evaluate((host) => ({
      links: host.shadowRoot!.querySelectorAll('a.file').length,
      longestName: Math.max(0, ...[...host.shadowRoot!.querySelectorAll('a.file .file-name')].map((el) => el.textContent?.length ?? 0)),
      text: host.shadowRoot!.textContent ?? '',
    }));
    expect(shown.links).toBeLessThanOrEqual(20);
    expect(shown.longestName).toBeLessThanOrEqual(120);
    expect(shown.text).toMatch(/4,980 more files/);
    // 7.4 s before. This file shares the machine with another suite, so only a gross stall shows
    // here (1 s, plus three times the page's idle pause just before: a loaded machine read 1004 ms);
    // the floods suite, alone, holds the page to 200 ms for the same run.
    expect(pauses.stallMs, pauseReport(pauses)).toBeLessThan(pauses.boundMs);
  });

  test("model Markdown cannot wear the widget's chrome: no drop overlay, error banner or badge classes", async () => {
    const { page } = await openPlainPage(ctx.server.origin, 'demo=/test/ui/pages/chrome.recording.json');
    await waitForSandbox(page, '#chat0');
    await demoReady(page);
    await sendAndWait(page, '#chat0');
    expect(await transcriptText(page, '#chat0')).toContain('Drop files to attach them');
    // Every class left must be one our highlighter adds (highlight.js marks sub-scopes like `function_`).
    const seen = await page.locator('#chat0').evaluate((host) => {
      const md = [...host.shadowRoot!.querySelectorAll('.md')];
      const drop = md.flatMap((m) => [...m.querySelectorAll('p')]).find((p) => p.textContent?.includes('Drop files'));
      return {
        classes: md
          .flatMap((m) => [...m.querySelectorAll('[class]')].flatMap((el) => [...el.classList]))
          .filter((name) => !/^(md-code|hljs(-[\w-]+)?|[\w-]+_)$/.test(name)),
        dropPosition: drop ? getComputedStyle(drop).position : 'missing',
        highlighted: md.some((m) => m.querySelector('pre.md-code code.hljs .hljs-keyword')),
      };
    });
    expect(seen).toEqual({ classes: [], dropPosition: 'static', highlighted: true });
  });
});

/**
 * Nothing leaves the page through the widget: the sandbox and the model choose text,
 * file names and output, and the page must never fetch what they name. Every non-local request is
 * aborted and recorded by the test's context; none may go to the canary host.
 */
describe('nothing leaves the page through the widget', { timeout: TIMEOUT_MS }, () => {
  const ctx = useStaticServer({ root: SERVE_ROOT, crossOriginIsolated: true });
  const CANARY = 'canary.invalid';

  async function openWithGuard(query: string) {
    const { context, blocked } = await chromium.open({ viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${ctx.server.origin}${PAGE}?${query}`);
    await waitForSandbox(page, '#chat0');
    return { page, blocked };
  }

  /** Elements in the answers that could load something, and links to the canary. */
  const loaders = (page: Page) =>
    page.locator('#chat0').evaluate((host) => {
      const root = host.shadowRoot!;
      return {
        media: root.querySelectorAll(
          '.md :is(video, audio, source, track, picture, object, embed, iframe, frame, link, meta, base, input, svg, image, marquee)',
        ).length,
        backgrounds: root.querySelectorAll('.md [background], .md [style], .md [srcset], .md [poster], .md [ping]').length,
        canaryLinks: [...root.querySelectorAll('.md a')].filter((a) => (a.getAttribute('href') ?? '').includes('canary')).length,
        fakeHeadings: [...root.querySelectorAll('.md :is(h1, h2, h3)')].filter((h) => /session expired/i.test(h.textContent ?? '')).length,
      };
    });

  test('model text with media, backgrounds, srcset, styles, links and frames loads nothing', async () => {
    const { page, blocked } = await openWithGuard('demo=/test/ui/pages/exfiltration.recording.json');
    await demoReady(page);
    await sendAndWait(page, '#chat0');
    await page.waitForTimeout(500);
    expect(blocked.filter((url) => url.includes(CANARY))).toEqual([]);
    expect(await loaders(page)).toEqual({ media: 0, backgrounds: 0, canaryLinks: 0, fakeHeadings: 0 });
  });

  test('a file name and the output quoted by a recorded answer are shown as text', async () => {
    const { page, blocked } = await openWithGuard('demo=/test/ui/pages/exfiltration.recording.json');
    await demoReady(page);
    await sendAndWait(page, '#chat0');
    await page.waitForTimeout(500);
    const text = await transcriptText(page, '#chat0');
    expect(text).toContain('<video poster="http:&#47;&#47;canary.invalid&#47;file-name">');
    expect(text).toContain('was not returned');
    expect(text).toContain(`<video poster="http://${CANARY}/template-output"></video> ![pixel](http://${CANARY}/template-image)`);
    expect(blocked.filter((url) => url.includes(CANARY))).toEqual([]);
    expect(await loaders(page)).toEqual({ media: 0, backgrounds: 0, canaryLinks: 0, fakeHeadings: 0 });
  });

  test("a patched print in one conversation cannot send anything out through the next one's recorded answer", async () => {
    const { page, blocked } = await openWithGuard('demo=/dist/demos/primes.json');
    await demoReady(page);
    await runInChat(
      page,
      `import builtins\n_print = builtins.print\nbuiltins.print = lambda *a, **k: _print('<video poster="http://${CANARY}/next-conversation"></video>', *a, **k)`,
      '#chat0',
    );
    await page.locator('#chat0 button[aria-label="New chat"]').click();
    await demoReady(page);
    await sendAndWait(page, '#chat0');
    await page.waitForTimeout(500);
    expect(await transcriptText(page, '#chat0')).toContain(`<video poster="http://${CANARY}/next-conversation"></video>`);
    expect(blocked.filter((url) => url.includes(CANARY))).toEqual([]);
    expect((await loaders(page)).media).toBe(0);
  });
});

/**
 * The page CSP SECURITY.md recommends to integrators (belt and braces: rendered content loads
 * nothing from the network even if an element got past the sanitizer). The sandbox's srcdoc frame
 * inherits the page's policy, so the recommendation must leave the sandbox working.
 */
describe('under the recommended page CSP', { timeout: TIMEOUT_MS }, () => {
  const RECOMMENDED_CSP =
    "img-src 'self' data: blob:; media-src 'none'; object-src 'none'; connect-src 'self' https://generativelanguage.googleapis.com https://cdn.jsdelivr.net";
  const ctx = useStaticServer({ root: SERVE_ROOT, crossOriginIsolated: true, headers: { 'Content-Security-Policy': RECOMMENDED_CSP } });

  test('the widget boots Python, replays a demo live, and nothing it shows is refused or fetched', async () => {
    const { page, log } = await openPlainPage(ctx.server.origin, 'demo=/dist/demos/primes.json');
    await waitForSandbox(page, '#chat0');
    await demoReady(page);
    await sendAndWait(page, '#chat0');
    expect(await transcriptText(page, '#chat0')).toContain('is 5117.');
    expect(log.filter((line) => /Content Security Policy|Refused to/i.test(line))).toEqual([]);
  });
});

describe('on a page without COOP/COEP', { timeout: TIMEOUT_MS }, () => {
  const ctx = useStaticServer({ root: SERVE_ROOT, crossOriginIsolated: false });

  // Chromium has JSPI: Python yields for stops, so Stop keeps it as on an isolated page, and no notice is needed.
  test('Stop keeps Python and its variables (JSPI), with no notice saying otherwise', async () => {
    const { page } = await openPlainPage(ctx.server.origin, 'demo=/test/ui/pages/stop.recording.json');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await waitForSandbox(page, '#chat0');
    expect(await page.locator('#chat0 cec-composer .notice').count()).toBe(0);
    expectStateKept(await page.evaluate(stopWidgetRunInPage, 60_000));
    await screenshot(page, 'not-isolated-notice');
  });
});

/** The reader turns the package index on in Settings; the next Python installs from it. */
const indexMissing = indexWheelsMissing();
describe.skipIf(!!indexMissing)(
  indexMissing ? `the package index setting (skipped: ${indexMissing})` : 'the package index setting',
  { timeout: TIMEOUT_MS },
  () => {
    const ctx = useStaticServer({ root: SERVE_ROOT, crossOriginIsolated: true });
    let index: FakeIndex;
    beforeAll(async () => {
      index = await startFakeIndex();
    });
    afterAll(() => index?.close());

    test('off at first; turned on in Settings it is remembered, and the next Python installs an import from the index', async () => {
      const { page } = await openPlainPage(ctx.server.origin, `package-index=${encodeURIComponent(index.indexUrl)}`);
      await waitForSandbox(page, '#chat0');
      expect((await runInChat(page, 'import tabulate', '#chat0')).error?.name).toBe('ModuleNotFoundError');
      expect(index.requests).toEqual([]);
      await page.locator('#chat0 button[aria-label="Settings"]').click();
      const toggle = page.locator('#chat0 cec-settings input[name="package-index"]');
      expect(await toggle.isChecked()).toBe(false);
      await toggle.check();
      await page.reload();
      await waitForSandbox(page, '#chat0');
      const r = await runInChat(page, 'from tabulate import tabulate\nprint(tabulate([["x", 1]]))', '#chat0');
      expect(r.error).toBeUndefined();
      expect(r.stdout).toBe('-  -\nx  1\n-  -\n');
      expect(index.requests).toContain('/simple/tabulate/');
    });
  },
);
