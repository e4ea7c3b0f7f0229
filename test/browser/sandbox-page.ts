/**
 * Node-side driver for pages/sandbox.html: one Chromium page holding one PythonSandbox.
 * Each method is a page.evaluate round trip, so tests read like they use the sandbox directly.
 */
import type { Browser, Page } from 'playwright-core';
import type { RunOptions, RunResult, SandboxOptions } from '../../src/index.js';

export const SANDBOX_PAGE_PATH = '/test/browser/pages/sandbox.html';

/** What crosses page.evaluate: no callbacks, no AbortSignal. */
type PlainRunOptions = Pick<RunOptions, 'timeoutMs'>;
type PlainSandboxOptions = Omit<SandboxOptions, 'onProgress'>;

interface SandboxHarness {
  create(options?: PlainSandboxOptions): Promise<{ interruptible: boolean }>;
  run(code: string, options?: PlainRunOptions): Promise<RunResult>;
  writeFile(path: string, bytes: number[]): Promise<void>;
  readFile(path: string): Promise<number[]>;
  dispose(): Promise<void>;
}

// Names unique to this page: other drivers declare their own globals on Window.
declare global {
  interface Window {
    sandboxHarness?: SandboxHarness;
    sandboxHarnessError?: string;
  }
}

export class SandboxPage {
  /** Browser console and page errors, kept for failure messages. */
  readonly log: string[] = [];

  private constructor(readonly page: Page) {
    page.on('console', (message) => this.log.push(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => this.log.push(`[pageerror] ${error.message}`));
  }

  /** Opens the harness page at `origin` and waits until the library module has loaded. */
  static async open(browser: Browser, origin: string): Promise<SandboxPage> {
    const page = await browser.newPage();
    const driver = new SandboxPage(page);
    await page.goto(origin + SANDBOX_PAGE_PATH);
    await page.waitForFunction(() => window.sandboxHarness ?? window.sandboxHarnessError);
    const loadError = await page.evaluate(() => window.sandboxHarnessError);
    if (loadError) throw new Error(`The harness page failed to load the library: ${loadError}`);
    return driver;
  }

  crossOriginIsolated(): Promise<boolean> {
    return this.page.evaluate(() => globalThis.crossOriginIsolated);
  }

  /** `PythonSandbox.create()` in the page; resolves with the sandbox's `interruptible`. */
  create(options: PlainSandboxOptions = {}): Promise<{ interruptible: boolean }> {
    return this.page.evaluate((o) => window.sandboxHarness!.create(o), options);
  }

  run(code: string, options: PlainRunOptions = {}): Promise<RunResult> {
    return this.page.evaluate(([c, o]) => window.sandboxHarness!.run(c, o), [code, options] as const);
  }

  writeFile(path: string, data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    return this.page.evaluate(([p, b]) => window.sandboxHarness!.writeFile(p, b), [path, Array.from(bytes)] as const);
  }

  async readFile(path: string): Promise<Uint8Array> {
    return Uint8Array.from(await this.page.evaluate((p) => window.sandboxHarness!.readFile(p), path));
  }

  /** Disposes the sandbox (best effort) and closes the page. */
  async close(): Promise<void> {
    await this.page.evaluate(() => window.sandboxHarness?.dispose()).catch(() => undefined);
    await this.page.close();
  }
}
