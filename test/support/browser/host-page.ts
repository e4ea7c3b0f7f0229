/**
 * Node-side driver for pages/host.html: one Chromium page holding any number of PythonSandboxes
 * (by id, 'main' by default). Each method is a page.evaluate round trip.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { BootPath, Checkpoint, FileInfo, OutputChunk, RunOptions, RunResult, SandboxOptions } from '../../../src/index.js';

export const HOST_PAGE_PATH = '/test/browser/pages/host.html';
export const LISTENER_PAGE_PATH = '/test/browser/pages/listener.html';

/** What crosses page.evaluate: no callbacks, no AbortSignal. */
export type PlainRunOptions = Pick<RunOptions, 'timeoutMs'> & {
  /** The page's functions (pages/harness.js PAGE_FUNCTIONS, and the tools of servers `connectMcp` connected) the run's Python may await, by name. */
  pageFunctions?: ('get_sales_data' | 'count_ids' | 'wait_for_ever' | `${string}__${string}`)[];
  /** The run's `signal` aborts this many ms after the run began. */
  abortAfterMs?: number;
};
export type PlainSandboxOptions = Omit<SandboxOptions, 'onProgress'>;
/** A run's result plus the chunks its `onOutput` received. */
export type HarnessResult = RunResult & { streamed: OutputChunk[] };

/** What `create` tells: the sandbox's `interruptible` and `bootPath`, and the progress messages delivered before it resolved. */
export interface Created {
  interruptible: boolean;
  bootPath: BootPath;
  progress: string[];
  /** `create()` until it resolved, timed in the page. */
  ms: number;
}

/** A run's result as counts (harness.js `runCounted`): a large result is not copied out of the page. */
export interface CountedResult {
  outcome: string;
  stateLost: boolean;
  files: number;
  images: number;
  outputChars: number;
}

interface Harness {
  create(options: PlainSandboxOptions, id: string): Promise<Created>;
  run(code: string, options: PlainRunOptions, id: string): Promise<HarnessResult>;
  runCounted(code: string, options: PlainRunOptions, id: string): Promise<CountedResult>;
  start(code: string, options: PlainRunOptions, id: string): number;
  finish(ticket: number): Promise<HarnessResult>;
  interrupt(id: string): void;
  progress(id: string): string[];
  connectMcp(url: string, name: string): Promise<string[]>;
  watchStalls(): void;
  longestStallMs(): number;
  writeFile(path: string, data: string | number[], id: string): Promise<void>;
  readFile(path: string, id: string): Promise<number[]>;
  listFiles(id: string): Promise<FileInfo[]>;
  ids(): string[];
  whenIdle(id: string): Promise<void>;
  checkpoints(id: string): Promise<Checkpoint[]>;
  rewind(checkpoint: string, id: string): Promise<{ ms: number }>;
  fork(forkId: string, checkpoint: string | undefined, id: string): Promise<void>;
  dispose(id: string): Promise<void>;
  disposeAll(): Promise<void>;
}

declare global {
  interface Window {
    harness?: Harness;
    harnessError?: string;
    __unexpectedMessages: unknown[];
    __broadcasts: unknown[];
    __storageEvents: unknown[];
    __listening?: boolean;
    __longestStallMs: number;
    __stallTimer?: ReturnType<typeof setInterval>;
  }
}

export class HostPage {
  /** Browser console and page errors, kept for failure messages. */
  readonly log: string[] = [];

  private constructor(readonly page: Page) {
    page.on('console', (message) => this.log.push(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => this.log.push(`[pageerror] ${error.message}`));
  }

  /**
   * Opens pages/host.html at `origin` in `context` (a browser: a page in a context of its own) and
   * waits until the library has loaded.
   */
  static async open(context: BrowserContext | Browser, origin: string): Promise<HostPage> {
    const page = await context.newPage();
    const driver = new HostPage(page);
    await page.goto(origin + HOST_PAGE_PATH);
    await page.waitForFunction(() => window.harness ?? window.harnessError);
    const loadError = await page.evaluate(() => window.harnessError);
    if (loadError) throw new Error(`The host page failed to load the library: ${loadError}`);
    return driver;
  }

  crossOriginIsolated(): Promise<boolean> {
    return this.page.evaluate(() => globalThis.crossOriginIsolated);
  }

  /** `PythonSandbox.create(options)` in the page. */
  create(options: PlainSandboxOptions = {}, id = 'main'): Promise<Created> {
    return this.page.evaluate(([o, i]) => window.harness!.create(o, i), [options, id] as const);
  }

  runCounted(code: string, options: PlainRunOptions = {}, id = 'main'): Promise<CountedResult> {
    return this.page.evaluate(([c, o, i]) => window.harness!.runCounted(c, o, i), [code, options, id] as const);
  }

  run(code: string, options: PlainRunOptions = {}, id = 'main'): Promise<HarnessResult> {
    return this.page.evaluate(([c, o, i]) => window.harness!.run(c, o, i), [code, options, id] as const);
  }

  /** Starts a run and returns at once; `finish(ticket)` waits for its result. */
  start(code: string, options: PlainRunOptions = {}, id = 'main'): Promise<number> {
    return this.page.evaluate(([c, o, i]) => window.harness!.start(c, o, i), [code, options, id] as const);
  }

  finish(ticket: number): Promise<HarnessResult> {
    return this.page.evaluate((t) => window.harness!.finish(t), ticket);
  }

  interrupt(id = 'main'): Promise<void> {
    return this.page.evaluate((i) => window.harness!.interrupt(i), id);
  }

  /** Every progress message the sandbox delivered so far. */
  progress(id = 'main'): Promise<string[]> {
    return this.page.evaluate((i) => window.harness!.progress(i), id);
  }

  /** The longest the page's main thread was blocked (ms, sampled every 10 ms) while `fn` ran. */
  async longestStallDuring<T>(fn: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
    await this.page.evaluate(() => window.harness!.watchStalls());
    const value = await fn();
    return { value, stallMs: await this.page.evaluate(() => window.harness!.longestStallMs()) };
  }

  writeFile(path: string, data: string | Uint8Array, id = 'main'): Promise<void> {
    const plain = typeof data === 'string' ? data : Array.from(data);
    return this.page.evaluate(([p, d, i]) => window.harness!.writeFile(p, d, i), [path, plain, id] as const);
  }

  async readFile(path: string, id = 'main'): Promise<Uint8Array> {
    return Uint8Array.from(await this.page.evaluate(([p, i]) => window.harness!.readFile(p, i), [path, id] as const));
  }

  listFiles(id = 'main'): Promise<FileInfo[]> {
    return this.page.evaluate((i) => window.harness!.listFiles(i), id);
  }

  /** The sandbox's `whenIdle()`: its spare has booted and a new snapshot is stored. */
  whenIdle(id = 'main'): Promise<void> {
    return this.page.evaluate((i) => window.harness!.whenIdle(i), id);
  }

  dispose(id = 'main'): Promise<void> {
    return this.page.evaluate((i) => window.harness!.dispose(i), id);
  }

  disposeAll(): Promise<void> {
    return this.page.evaluate(() => window.harness!.disposeAll());
  }

  /** How many sandbox frames (`iframe[sandbox]`) are in the document. */
  sandboxFrameCount(): Promise<number> {
    return this.page.evaluate(() => document.querySelectorAll('iframe[sandbox]').length);
  }

  /** Window messages the page did not expect (see host.html). */
  unexpectedMessages(): Promise<unknown[]> {
    return this.page.evaluate(() => window.__unexpectedMessages);
  }

  /** Messages that reached the page's BroadcastChannels. */
  broadcasts(): Promise<unknown[]> {
    return this.page.evaluate(() => window.__broadcasts);
  }

  /** Milliseconds for a trivial round trip into the page (its main thread's responsiveness). */
  async roundTripMs(): Promise<number> {
    const started = performance.now();
    await this.page.evaluate(() => 1);
    return performance.now() - started;
  }

  /** Disposes the sandboxes (best effort, at most 10 s: a test may have wedged one) and closes the page. */
  async close(): Promise<void> {
    await this.page.evaluate(() => Promise.race([window.harness?.disposeAll(), new Promise((resolve) => setTimeout(resolve, 10_000))])).catch(() => undefined);
    await this.page.close();
  }

  /**
   * From now on the page removes every sandbox frame added beyond the first `keep` (as a framework
   * that owns document.body would remove nodes it did not render).
   */
  removeFramesBeyond(keep: number): Promise<void> {
    return this.page.evaluate((n) => {
      new MutationObserver(() => {
        const frames = document.querySelectorAll('iframe[sandbox]');
        for (let i = n; i < frames.length; i++) frames[i].remove();
      }).observe(document.body, { childList: true });
    }, keep);
  }
}
