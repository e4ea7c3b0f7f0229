/**
 * Helpers for the UI browser tests: serving the built site, guarding the network, driving
 * `<code-exec-chat>` through its shadow DOM (Playwright's CSS locators pierce open shadow roots),
 * routing Gemini requests to the fake server, and saving screenshots to test-results/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { RunResult } from '../../src/shared/types.js';
import type { CodeExecChat } from '../../src/ui/code-exec-chat/code-exec-chat.js';
import { FakeGemini } from '../fake-gemini/server.js';
import { launchChromium } from './chromium.js';
import { type StaticServer, startStaticServer } from './static-server.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/**
 * Served as the site root for test pages (which load /dist/widget.js). `UI_ROOT` points elsewhere
 * (a folder with a copy of dist/ and a link to test/) when other builds keep rewriting dist/.
 */
export const SERVE_ROOT = process.env.UI_ROOT ?? REPO_ROOT;
export const DIST = `${SERVE_ROOT}/dist`;
const RESULTS = `${REPO_ROOT}test-results`;

/** The UI tests load the built site: the lib build, then the site build. */
export function requireBuild(): void {
  for (const file of ['index.html', 'widget.js', 'worker.js', 'sw.js', 'pyodide/pyodide.asm.wasm']) {
    if (!existsSync(`${DIST}/${file}`)) throw new Error(`dist/${file} is missing: run \`npm run build\` (lib build, then \`vite build\`) first`);
  }
}

/** Collects console errors and page errors, for failure messages. */
export function collectLog(page: Page): string[] {
  const log: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') log.push(`[${message.type()}] ${message.text()}`);
  });
  page.on('pageerror', (error) => log.push(`[pageerror] ${error.message}`));
  return log;
}

/**
 * Aborts every request that is not to localhost (the page, its workers and frames included) and
 * returns the list of what was blocked.
 */
export async function blockNonLocal(context: BrowserContext): Promise<string[]> {
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (/^(https?|wss?):\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(url) || /^(data|blob):/.test(url)) return route.continue();
    blocked.push(url);
    return route.abort('internetdisconnected');
  });
  return blocked;
}

/**
 * Answers the page's Gemini requests from a fake server (generateContent or Interactions): those to Google's endpoint (with CORS
 * headers, as Google sends) and those to `proxyPath` on the page's own origin (the `base-url` case).
 */
export async function routeGeminiTo(context: BrowserContext, fake: { baseUrl: string }, proxyPath = '/gemini-proxy'): Promise<void> {
  const forward = async (route: Parameters<Parameters<BrowserContext['route']>[1]>[0]) => {
    const request = route.request();
    if (request.method() === 'OPTIONS') {
      return route.fulfill({
        status: 204,
        headers: { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST' },
      });
    }
    const url = new URL(request.url());
    const path = url.pathname.replace(proxyPath, '');
    const response = await route.fetch({ url: `${fake.baseUrl}${path}${url.search}` });
    return route.fulfill({ response, headers: { ...response.headers(), 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin' } });
  };
  await context.route('https://generativelanguage.googleapis.com/**', forward);
  await context.route(`**${proxyPath}/**`, forward);
}

/** Waits until the chat's sandbox has booted. */
export async function waitForSandbox(page: Page, chat = 'code-exec-chat'): Promise<void> {
  await page.waitForFunction((selector) => Boolean(document.querySelector<HTMLElement & { sandbox?: unknown }>(selector)?.sandbox), chat, { timeout: 45_000 });
}

/** Clicks Send (or presses Enter) and waits until the message is answered (or failed). */
export async function sendAndWait(page: Page, chat = 'code-exec-chat', how: 'click' | 'enter' = 'click'): Promise<void> {
  const before = await page.locator(`${chat} [data-entry]`).count();
  if (how === 'click') await page.locator(`${chat} cec-composer button[aria-label="Send message"]`).click();
  else await page.locator(`${chat} cec-composer textarea`).press('Enter');
  // The user's entry appears once the message is on its way (after Python is ready, in local mode).
  await expect.poll(() => page.locator(`${chat} [data-entry]`).count(), { timeout: 45_000 }).toBeGreaterThan(before);
  await waitIdle(page, chat);
}

/** Waits until no message is in flight. */
export async function waitIdle(page: Page, chat = 'code-exec-chat'): Promise<void> {
  await page.waitForFunction(
    (selector) => {
      const composer = document.querySelector(selector)?.shadowRoot?.querySelector('cec-composer') as (HTMLElement & { busy?: boolean }) | null;
      return composer !== null && composer.busy === false && !document.querySelector(selector)?.shadowRoot?.querySelector('[aria-busy="true"]');
    },
    chat,
    { timeout: 60_000 },
  );
}

/** The visible text of the chat's transcript. */
export function transcriptText(page: Page, chat = 'code-exec-chat'): Promise<string> {
  return page.locator(`${chat} .transcript`).innerText();
}

/** Picks a demo from the chat's picker. */
export async function pickDemo(page: Page, id: string, chat = 'code-exec-chat'): Promise<void> {
  await page.locator(`${chat} .welcome cec-demo-picker button[data-demo="${id}"]`).click();
  await expect.poll(() => page.locator(`${chat} cec-composer textarea`).inputValue()).not.toBe('');
}

/** Saves a screenshot as test-results/ui-<name>.png (gitignored), for people to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: `${RESULTS}/ui-${name}.png` });
}

/** Runs code directly in a chat's sandbox (as the scratchpad would). */
export function runInChat(page: Page, code: string, chat = 'code-exec-chat'): Promise<RunResult> {
  return page.evaluate(([selector, source]) => (document.querySelector(selector) as CodeExecChat).sandbox!.run(source), [chat, code] as const);
}

/**
 * Everything in the page origin's IndexedDB, as JSON text: `{ "db/store/key": value }`, with byte
 * arrays decoded as UTF-8 (so a test can search stored files too). Empty `{}` when nothing is stored.
 */
export async function indexedDbContents(page: Page): Promise<string> {
  return (await readIndexedDb(page)) as string;
}

/** How many records the page origin's IndexedDB holds in stores named `store` (the widget's `interpreters`: saved-interpreter-slot.ts). */
export async function indexedDbCount(page: Page, store: string): Promise<number> {
  return (await readIndexedDb(page, store)) as number;
}

/** `indexedDbContents`, or with `countOf` `indexedDbCount`: one walk over the databases. */
function readIndexedDb(page: Page, countOf?: string): Promise<string | number> {
  return page.evaluate(async (countOf) => {
    const dump: Record<string, unknown> = {};
    let count = 0;
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const storeName of db.objectStoreNames) {
        if (countOf !== undefined && storeName !== countOf) continue;
        const store = db.transaction(storeName, 'readonly').objectStore(storeName);
        if (countOf !== undefined) {
          const request = store.count();
          count += await new Promise<number>((resolve, reject) => {
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
          });
          continue;
        }
        const [keys, values] = await Promise.all(
          [store.getAllKeys(), store.getAll()].map(
            (request) =>
              new Promise<unknown[]>((resolve, reject) => {
                request.onsuccess = () => resolve(request.result as unknown[]);
                request.onerror = () => reject(request.error);
              }),
          ),
        );
        keys.forEach((key, i) => (dump[`${name}/${storeName}/${String(key)}`] = values[i]));
      }
      db.close();
    }
    if (countOf !== undefined) return count;
    return JSON.stringify(dump, (_key, value: unknown) => (value instanceof Uint8Array ? new TextDecoder().decode(value) : value));
  }, countOf);
}

/** What a test file talking to the fake Gemini works with (see `useFakeGemini`). */
/**
 * In the page: stores `record` as chat0's saved conversation, as the widget's own store keeps it
 * (a record the widget restores on its next load). Without `record`, the page's
 * `__conversationRecord` (one built in the page, too large to send over the driver's channel).
 */
export async function putConversation(record?: unknown): Promise<void> {
  const value = record ?? (window as unknown as { __conversationRecord: unknown }).__conversationRecord;
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open('code-exec-chat');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  try {
    await new Promise((resolve, reject) => {
      const tx = db.transaction('conversations', 'readwrite');
      tx.objectStore('conversations').put(value, 'chat0');
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export interface FakeGeminiWorld {
  browser: Browser;
  /** The built site, served with COOP/COEP. */
  server: StaticServer;
  fake: FakeGemini;
  /**
   * A fresh browser context (closed after the test) whose non-local requests are blocked and, unless
   * `routeGemini` is false, whose Gemini requests go to the fake.
   */
  newContext(options?: BrowserContextOptions, routeGemini?: boolean): Promise<BrowserContext>;
}

/** One browser, site server and fake Gemini for the test file; the fake is reset before each test. */
export function useFakeGemini(timeoutMs: number): FakeGeminiWorld {
  let context: BrowserContext | undefined;
  const world = {
    async newContext(options: BrowserContextOptions = {}, routeGemini = true) {
      context = await world.browser.newContext(options);
      await blockNonLocal(context);
      if (routeGemini) await routeGeminiTo(context, world.fake);
      return context;
    },
  } as FakeGeminiWorld;
  beforeAll(async () => {
    requireBuild();
    [world.browser, world.server, world.fake] = await Promise.all([
      launchChromium(),
      startStaticServer({ root: SERVE_ROOT, crossOriginIsolated: true }),
      FakeGemini.start(),
    ]);
  }, timeoutMs);
  afterAll(async () => {
    await Promise.all([world.browser?.close(), world.server?.close(), world.fake?.close()]);
  });
  beforeEach(() => {
    world.fake.reset();
  });
  afterEach(async () => {
    // A request the fake never answers is still being forwarded: let it go quietly.
    await context?.unrouteAll({ behavior: 'ignoreErrors' });
    await context?.close();
    context = undefined;
  });
  return world;
}

/**
 * One Chromium for a test file, a fresh context per test (closed after it): what each widget
 * suite needs around its tests. `open` makes the test's context with non-local requests blocked
 * and returns it with the list of what was blocked.
 */
export function useChromium(timeoutMs: number): { open(options?: BrowserContextOptions): Promise<{ context: BrowserContext; blocked: string[] }> } {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    requireBuild();
    browser = await launchChromium();
  }, timeoutMs);
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  return {
    async open(options = {}) {
      if (!browser) throw new Error('useChromium: the browser is not launched yet (call open inside a test)');
      context = await browser.newContext(options);
      return { context, blocked: await blockNonLocal(context) };
    },
  };
}
