/**
 * The UI suites' drivers for every engine: Chromium (Playwright), Firefox ESR (WebDriver BiDi,
 * puppeteer-core) and WebKitGTK (WebDriver, selenium-webdriver), each driving a page as a person
 * would, with real clicks and key presses; and page-side helpers that walk shadow roots, since
 * only Playwright's locators pierce them. An engine that is not installed says so in `missing`.
 */
import { afterAll, afterEach } from 'vitest';
import type { Browser as PlaywrightBrowser } from 'playwright-core';
import type { Browser as PuppeteerBrowser } from 'puppeteer-core';
import { Key, Origin } from 'selenium-webdriver';
import { launchChromium } from '../chromium.js';
import { type CallAnswer, EVALUATE, unwrap } from './engine.js';
import { firefoxMissing, launchFirefox } from './firefox.js';
import { type WebKit, launchWebKit, webkitMissing } from './webkit.js';
import { useStaticServer } from '../use-static-server.js';
import { SERVE_ROOT, requireBuild } from '../widget-page.js';

export type Keys = 'Escape' | 'Tab' | 'Shift+Tab' | 'Enter' | 'ArrowRight' | 'ArrowLeft';

/** One page, driven as a person would: clicks at a point of the viewport, key presses. */
export interface Driver {
  /** `fn(...args)` in the page, sent as source (no closures). */
  evaluate<T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T>;
  click(x: number, y: number): Promise<void>;
  /** Moves the pointer to a point of the viewport (a hover). */
  hover(x: number, y: number): Promise<void>;
  press(key: Keys): Promise<void>;
  close(): Promise<void>;
}

export interface EngineUnderTest {
  name: string;
  missing: string | undefined;
  open(url: string): Promise<Driver>;
  close(): Promise<void>;
}

/**
 * For a suite in one engine: the built site served cross-origin isolated, and `open(path)` for
 * one page of it per test, closed after the test; the engine is closed after the suite.
 */
export function useEngine(engine: EngineUnderTest, closeTimeoutMs: number): { open(path: string): Promise<Driver> } {
  const site = useStaticServer({ root: SERVE_ROOT, crossOriginIsolated: true });
  let opened: Driver | undefined;
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });
  afterAll(() => engine.close(), closeTimeoutMs);
  return {
    async open(path) {
      requireBuild();
      opened = await engine.open(`${site.server.origin}${path}`);
      return opened;
    },
  };
}

export function chromium(): EngineUnderTest {
  let browser: Promise<PlaywrightBrowser> | undefined;
  return {
    name: 'Chromium',
    missing: undefined,
    async open(url) {
      browser ??= launchChromium();
      const context = await (await browser).newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(url);
      return {
        evaluate: (fn, ...args) => page.evaluate(([source, x]) => (0, eval)(`(${source})`)(...x), [fn.toString(), args] as const),
        click: (x, y) => page.mouse.click(x, y),
        hover: (x, y) => page.mouse.move(x, y),
        press: (key) => page.keyboard.press(key),
        close: () => context.close(),
      };
    },
    async close() {
      await (await browser)?.close();
    },
  };
}

export function firefox(): EngineUnderTest {
  let browser: Promise<PuppeteerBrowser> | undefined;
  return {
    name: 'Firefox',
    missing: firefoxMissing(),
    async open(url) {
      browser ??= launchFirefox();
      const context = await (await browser).createBrowserContext();
      const page = await context.newPage();
      await page.setViewport({ width: 1280, height: 800 });
      await page.goto(url);
      return {
        evaluate: (fn, ...args) => page.evaluate(fn as never, ...(args as unknown as never[])),
        click: (x, y) => page.mouse.click(x, y),
        hover: (x, y) => page.mouse.move(x, y),
        async press(key) {
          if (key !== 'Shift+Tab') return page.keyboard.press(key);
          await page.keyboard.down('Shift');
          await page.keyboard.press('Tab');
          await page.keyboard.up('Shift');
        },
        close: () => context.close(),
      };
    },
    async close() {
      await (await browser)?.close();
    },
  };
}

export function webkit(): EngineUnderTest {
  const open = new Set<WebKit>();
  const keys: Record<Keys, string[]> = {
    Escape: [Key.ESCAPE],
    Tab: [Key.TAB],
    'Shift+Tab': [Key.SHIFT, Key.TAB],
    Enter: [Key.ENTER],
    ArrowRight: [Key.ARROW_RIGHT],
    ArrowLeft: [Key.ARROW_LEFT],
  };
  return {
    name: 'WebKit',
    missing: webkitMissing(),
    async open(url) {
      const browser = await launchWebKit({ sharedArrayBuffer: true });
      open.add(browser);
      const { driver } = browser;
      await driver.get(url);
      return {
        evaluate: async (fn, ...args) => unwrap((await driver.executeAsyncScript(EVALUATE, fn.toString(), args)) as CallAnswer, 'evaluate'),
        click: (x, y) =>
          driver
            .actions({ async: true })
            .move({ x: Math.round(x), y: Math.round(y), origin: Origin.VIEWPORT })
            .click()
            .perform(),
        hover: (x, y) =>
          driver
            .actions({ async: true })
            .move({ x: Math.round(x), y: Math.round(y), origin: Origin.VIEWPORT })
            .perform(),
        press(key) {
          const actions = driver.actions({ async: true });
          for (const k of keys[key]) actions.keyDown(k);
          for (const k of keys[key].toReversed()) actions.keyUp(k);
          return actions.perform();
        },
        async close() {
          open.delete(browser);
          await browser.close();
        },
      };
    },
    async close() {
      await Promise.all([...open].map((browser) => browser.close()));
    },
  };
}

// ---- page-side helpers: sent as source, so each stands alone ----

/** The centre of the first element matching `selector` (through shadow roots), scrolled into view; null when absent. */
export function centreOf(selector: string): { x: number; y: number } | null {
  const roots: (Document | ShadowRoot)[] = [document];
  while (roots.length > 0) {
    const root = roots.shift()!;
    const hit = root.querySelector<HTMLElement>(selector);
    if (hit) {
      hit.scrollIntoView({ block: 'center' });
      const r = hit.getBoundingClientRect();
      return r.width > 0 ? { x: r.x + r.width / 2, y: r.y + r.height / 2 } : null;
    }
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  }
  return null;
}

/** How many elements match `selector` in the document and every shadow root. */
export function countOf(selector: string): number {
  let count = 0;
  const roots: (Document | ShadowRoot)[] = [document];
  while (roots.length > 0) {
    const root = roots.shift()!;
    count += root.querySelectorAll(selector).length;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  }
  return count;
}

/** The first `textarea` value under `host` (through shadow roots). */
export function textareaValue(host: string): string | null {
  const roots: (Document | ShadowRoot)[] = [document.querySelector(host)!.shadowRoot!];
  while (roots.length > 0) {
    const root = roots.shift()!;
    const area = root.querySelector('textarea');
    if (area) return area.value;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  }
  return null;
}

/** The focused element through shadow roots, as `tag[aria-label]` from the document down. */
export function focusPath(): string {
  const path: string[] = [];
  let el: Element | null = document.activeElement;
  while (el) {
    path.push(`${el.tagName.toLowerCase()}${el.getAttribute('aria-label') ? `[${el.getAttribute('aria-label')}]` : ''}`);
    el = el.shadowRoot?.activeElement ?? null;
  }
  return path.join(' > ');
}

/** The focused mode radio's `data-mode` and whether it is checked, or ''. */
export function focusedMode(): string {
  const el = document.querySelector('#chat0')?.shadowRoot?.activeElement;
  const mode = el?.getAttribute('data-mode');
  return mode ? `data-mode=${mode}${el!.getAttribute('aria-checked') === 'true' ? ' checked' : ''}` : '';
}

export function sandboxReady(selector: string): boolean {
  return Boolean((document.querySelector(selector) as (HTMLElement & { sandbox?: unknown }) | null)?.sandbox);
}

/** Polls `probe` until it returns true, failing with `what` after `timeoutMs`. */
export async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

export async function clickOn(page: Driver, selector: string): Promise<void> {
  let at: { x: number; y: number } | null = null;
  await until(selector, async () => Boolean((at = await page.evaluate(centreOf, selector))));
  await page.click(at!.x, at!.y);
}
