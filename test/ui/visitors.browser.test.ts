/**
 * The widget where people meet it: the demo site offline after one visit to a server
 * that sends `Vary: Origin`, a visible fallback when the widget's script cannot load, the welcome
 * opening at its top, the keyboard (one Send/Stop control, Esc, focus after a demo pick), and a
 * message sent while Python is still loading.
 *
 * Needs the built site (`npm run build`).
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { startStaticServer } from '../support/static-server.js';
import { useStaticServer } from '../support/use-static-server.js';
import {
  DIST,
  SERVE_ROOT,
  blockNonLocal,
  collectLog,
  pickDemo,
  requireBuild,
  sendAndWait,
  transcriptText,
  waitForSandbox,
  waitIdle,
} from '../support/widget-page.js';

const TIMEOUT_MS = 90_000;
const PLAIN = '/test/ui/pages/plain.html';
let browser: Browser;
let context: BrowserContext | undefined;
/** Lets held Pyodide requests through (see {@link holdPython}); called after each test. */
let releasePython: () => void = () => undefined;

beforeAll(async () => {
  requireBuild();
  browser = await launchChromium();
}, TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  releasePython();
  await context?.unrouteAll({ behavior: 'ignoreErrors' });
  await context?.close();
  context = undefined;
});

async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
  context = await browser.newContext({ viewport: { width: 1000, height: 900 }, ...options });
  await blockNonLocal(context);
  return context.newPage();
}

/** Holds every request for Pyodide's runtime until the test lets it through: Python stays "loading". */
async function holdPython(page: Page): Promise<void> {
  const released = new Promise<void>((resolve) => (releasePython = resolve));
  await page.context().route(/\/pyodide\//, async (route) => {
    await released;
    await route.fallback();
  });
}

/** The element focus is on, through shadow roots: `tag#id` from the document down. */
function focusPath(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const path: string[] = [];
    let el: Element | null = document.activeElement;
    while (el) {
      path.push(`${el.tagName.toLowerCase()}${el.getAttribute('aria-label') ? `[${el.getAttribute('aria-label')}]` : ''}`);
      el = el.shadowRoot?.activeElement ?? null;
    }
    return path;
  });
}

/** The transcript's scroll position and how far it can scroll. */
function transcriptScroll(page: Page, chat = 'code-exec-chat'): Promise<{ top: number; overflow: number }> {
  return page.locator(`${chat} .transcript`).evaluate((el) => ({ top: el.scrollTop, overflow: el.scrollHeight - el.clientHeight }));
}

/** The URLs the built service worker precaches. */
function precacheList(): string[] {
  const source = readFileSync(`${DIST}/sw.js`, 'utf8');
  return JSON.parse(/const PRECACHE = (\[[^\]]*\])/.exec(source)![1]) as string[];
}

describe('offline', { timeout: TIMEOUT_MS * 2 }, () => {
  test('after one visit to a server that sends Vary: Origin, the page works offline: the widget is defined and a demo plays', async () => {
    const server = await startStaticServer({ root: DIST, crossOriginIsolated: true, headers: { Vary: 'Origin' } });
    try {
      context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
      const page = await context.newPage();
      const log = collectLog(page);
      await page.goto(`${server.origin}/index.html`);
      await waitForSandbox(page);
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      await context.setOffline(true);
      await server.close();

      await page.reload();
      await page
        .waitForFunction(() => Boolean(customElements.get('code-exec-chat')), undefined, { timeout: 15_000 })
        .catch(() => {
          throw new Error(`<code-exec-chat> was not defined offline:\n${log.join('\n')}`);
        });
      await waitForSandbox(page);
      await pickDemo(page, 'primes');
      await sendAndWait(page);
      expect(await transcriptText(page)).toContain('The sum of the first 50 prime numbers is 5117.');
    } finally {
      await server.close();
    }
  });

  test('the service worker is registered once the first answer is complete, not while Python is loading or a first answer waits for it', async () => {
    const server = await startStaticServer({ root: DIST, crossOriginIsolated: true });
    try {
      const page = await newPage();
      const registered = () => page.evaluate(async () => Boolean(await navigator.serviceWorker.getRegistration()));
      await page.goto(`${server.origin}/index.html`);
      await pickDemo(page, 'primes');
      expect(await registered()).toBe(false);
      await waitForSandbox(page);
      // Python is up; its precache (20 files into Cache Storage) waits for the answer.
      expect(await registered()).toBe(false);
      await sendAndWait(page);
      await expect.poll(registered, { timeout: 10_000 }).toBe(true);
    } finally {
      await server.close();
    }
  });

  test('the service worker precaches only files the page loads: no Node builds, no Vite plugin', () => {
    const list = precacheList();
    expect(list).toEqual(expect.arrayContaining(['./index.html', './widget.js', './worker.js', './demos/index.json']));
    expect(list.filter((url) => /\.node\.js$|^\.\/(vite|index|sandbox)\.js$|sandbox-entry/.test(url))).toEqual([]);
  });

  test("the service worker does not precache Pyodide's runtime, which the sandbox keeps itself (a second download on a first visit)", () => {
    expect(precacheList().filter((url) => url.startsWith('./pyodide/'))).toEqual([]);
  });

  test('when the widget script cannot load, the page says the demo could not start and why', async () => {
    const server = await startStaticServer({ root: DIST, crossOriginIsolated: true });
    try {
      const page = await newPage();
      await page.context().route('**/widget.js', (route) => route.abort('internetdisconnected'));
      await page.goto(`${server.origin}/index.html`);
      await expect.poll(() => page.locator('body').innerText(), { timeout: 10_000 }).toMatch(/could not start/i);
      expect(await page.locator('body').innerText()).toContain('widget.js');
    } finally {
      await server.close();
    }
  });

  test('when the widget script cannot load, the notice is as tall as its text, not an empty chat-sized box', async () => {
    const server = await startStaticServer({ root: DIST, crossOriginIsolated: true });
    try {
      const page = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      await page.context().route('**/widget.js', (route) => route.abort('internetdisconnected'));
      await page.goto(`${server.origin}/index.html`);
      await expect.poll(() => page.locator('body').innerText(), { timeout: 10_000 }).toMatch(/could not start/i);
      const [box, text] = await Promise.all([page.locator('code-exec-chat').boundingBox(), page.locator('code-exec-chat .start-failed').boundingBox()]);
      // The text plus the box's padding, border and a paragraph's margin (it filled the 844 px screen before).
      expect(box!.height).toBeLessThan(text!.height + 100);
    } finally {
      await server.close();
    }
  });
});

describe('the welcome', { timeout: TIMEOUT_MS }, () => {
  const site = useStaticServer({ root: DIST, crossOriginIsolated: true });

  test('opens at its top on a 390×844 phone', async () => {
    const page = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.goto(`${site.server.origin}/index.html`);
    await expect.poll(() => page.locator('code-exec-chat .welcome cec-demo-picker button[data-demo]').count()).toBe(3);
    await page.waitForTimeout(300);
    const scroll = await transcriptScroll(page);
    expect(scroll.overflow).toBeGreaterThan(0);
    expect(scroll.top).toBe(0);
  });

  test('opens at its top on desktop while the progress bar shows', async () => {
    const page = await newPage({ viewport: { width: 1280, height: 720 } });
    await holdPython(page);
    await page.goto(`${site.server.origin}/index.html`);
    await expect.poll(() => page.locator('code-exec-chat .welcome cec-demo-picker button[data-demo]').count()).toBe(3);
    await expect.poll(() => page.locator('code-exec-chat cec-load-progress').isVisible()).toBe(true);
    await page.waitForTimeout(300);
    const scroll = await transcriptScroll(page);
    expect(scroll.overflow).toBeGreaterThan(0);
    expect(scroll.top).toBe(0);
  });
});

describe('the keyboard', { timeout: TIMEOUT_MS }, () => {
  const site = useStaticServer({ root: SERVE_ROOT, crossOriginIsolated: true });

  test('Send and Stop are one button: focus stays on it when it turns into Stop, and Esc after the mouse click stops the run', async () => {
    const page = await newPage();
    await page.goto(`${site.server.origin}${PLAIN}?demo=/test/ui/pages/stop.recording.json`);
    await waitForSandbox(page, '#chat0');
    await expect.poll(() => page.locator('#chat0 cec-composer textarea').inputValue()).not.toBe('');
    await sendAndWait(page, '#chat0');
    await expect.poll(() => page.locator('#chat0 cec-composer textarea').inputValue()).not.toBe('');
    // Message 2 loops until stopped, so the button is still Stop when focus is read (message 1's
    // answer could come between the two reads on a loaded machine, turning it back into Send).
    await page.locator('#chat0 cec-composer button[aria-label="Send message"]').click();
    await expect.poll(() => page.locator('#chat0 cec-composer button[aria-label="Stop"]').count()).toBe(1);
    expect(await focusPath(page)).toEqual(['code-exec-chat', 'cec-composer', 'button[Stop]']);
    await expect.poll(() => page.locator('#chat0 .cell.running').count(), { timeout: 30_000 }).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#chat0 .turn.model.stopped').count(), { timeout: 10_000 }).toBe(1);
  });

  test('picking a demo card moves focus to the message box, where its first message waits', async () => {
    const page = await newPage();
    await page.goto(`${site.server.origin}${PLAIN}?demos-url=/dist/demos/index.json`);
    await pickDemo(page, 'primes', '#chat0');
    await expect.poll(() => focusPath(page)).toEqual(['code-exec-chat', 'cec-composer', 'textarea']);
  });
});

describe('a message sent while Python loads', { timeout: TIMEOUT_MS }, () => {
  const site = useStaticServer({ root: SERVE_ROOT, crossOriginIsolated: true });

  /** The primes demo's first message, sent from a page whose Python is held loading. */
  async function sendPrimesWhilePythonLoads(options: BrowserContextOptions = {}): Promise<Page> {
    const page = await newPage(options);
    await holdPython(page);
    await page.goto(`${site.server.origin}${PLAIN}?demo=/dist/demos/primes.json`);
    await expect.poll(() => page.locator('#chat0 cec-composer textarea').inputValue()).not.toBe('');
    await page.locator('#chat0 cec-composer button[aria-label="Send message"]').click();
    return page;
  }

  test('is on screen at once, with Stop, and is answered once Python is up', async () => {
    const page = await sendPrimesWhilePythonLoads();
    await expect.poll(() => page.locator('#chat0 [data-entry="user"]').count(), { timeout: 2_000 }).toBe(1);
    expect(await page.locator('#chat0 [data-entry="user"]').innerText()).toContain('first 50 prime numbers');
    expect(await page.locator('#chat0 cec-composer button[aria-label="Stop"]').isVisible()).toBe(true);
    // Python is still loading.
    expect(await page.evaluate(() => Boolean((document.querySelector('#chat0') as HTMLElement & { sandbox?: unknown }).sandbox))).toBe(false);

    releasePython();
    await waitIdle(page, '#chat0');
    expect(await transcriptText(page, '#chat0')).toContain('The sum of the first 50 prime numbers is 5117.');
  });

  test('goes to the model at once: the reply and its code stream in while Python loads, and the code runs once Python is up', async () => {
    const page = await sendPrimesWhilePythonLoads();
    await expect.poll(() => transcriptText(page, '#chat0'), { timeout: 10_000 }).toContain('simple trial-division check');
    await expect.poll(() => page.locator('#chat0 .cell').count()).toBe(1);
    expect(await page.locator('#chat0 .cell').innerText()).toContain('def is_prime(n):');
    // The code waits for Python.
    expect(await transcriptText(page, '#chat0')).not.toContain('5117');

    releasePython();
    await waitIdle(page, '#chat0');
    expect(await page.locator('#chat0 .cell pre.output').innerText()).toContain('5117');
  });

  test('its code cell says it waits for Python while Python loads, not that it is running', async () => {
    const page = await sendPrimesWhilePythonLoads();
    const badge = page.locator('#chat0 .cell .badge');
    await expect.poll(() => badge.innerText(), { timeout: 10_000 }).toBe('waiting for Python');

    releasePython();
    await waitIdle(page, '#chat0');
    expect(await badge.innerText()).toBe('ok');
  });

  test("its code cell's header stays in view while the code scrolls under it, so the badge can be read on a phone", async () => {
    const page = await sendPrimesWhilePythonLoads({ viewport: { width: 390, height: 640 } });
    await expect.poll(() => page.locator('#chat0 .cell .badge').innerText(), { timeout: 10_000 }).toBe('waiting for Python');
    await page.waitForTimeout(300);
    const tops = await page.locator('#chat0 .transcript').evaluate((transcript) => {
      const cell = transcript.querySelector('.cell')!;
      return {
        transcript: transcript.getBoundingClientRect().top,
        cell: cell.getBoundingClientRect().top,
        head: cell.querySelector('.cell-head')!.getBoundingClientRect().top,
      };
    });
    // The transcript follows the output, so the cell's own top has scrolled out of view.
    expect(tops.cell).toBeLessThan(tops.transcript);
    expect(tops.head).toBeGreaterThanOrEqual(tops.transcript - 1);
  });

  test('a boot that fails while the reply streams fails its run with a readable error and a Retry', async () => {
    const page = await newPage();
    // The runtime's files are held, then refused once the reply has streamed in.
    const refused = new Promise<void>((resolve) => (releasePython = resolve));
    await page.context().route(/\/pyodide\//, async (route) => {
      await refused;
      await route.fulfill({ status: 404, body: 'gone' }).catch(() => undefined);
    });
    await page.goto(`${site.server.origin}${PLAIN}?demo=/dist/demos/primes.json`);
    await expect.poll(() => page.locator('#chat0 cec-composer textarea').inputValue()).not.toBe('');
    await page.locator('#chat0 cec-composer button[aria-label="Send message"]').click();
    await expect.poll(() => page.locator('#chat0 .cell').count(), { timeout: 10_000 }).toBe(1);
    releasePython();
    await expect.poll(() => page.locator('#chat0 [data-entry="error"]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await waitIdle(page, '#chat0');
    expect(await page.locator('#chat0 [data-entry="error"]').count()).toBe(1);
    const error = await page.locator('#chat0 [data-entry="error"]').innerText();
    expect(error).toMatch(/Python/);
    expect(error).toMatch(/Retry/);
    expect(await transcriptText(page, '#chat0')).not.toContain('5117');
  });

  test('Stop while Python loads: its code never runs once Python is up', async () => {
    const page = await sendPrimesWhilePythonLoads();
    await page.locator('#chat0 cec-composer button[aria-label="Stop"]').click({ timeout: 2_000 });
    await expect.poll(() => transcriptText(page, '#chat0'), { timeout: 2_000 }).toContain('Stopped.');
    await expect.poll(() => page.locator('#chat0 cec-composer button[aria-label="Send message"]').count()).toBe(1);

    releasePython();
    await waitForSandbox(page, '#chat0');
    await page.waitForTimeout(1_000);
    expect(await page.locator('#chat0 .cell pre.output').count()).toBe(0);
    expect(await transcriptText(page, '#chat0')).not.toContain('5117');
  });
});
