/**
 * The host page (pages/host.html and its harness.js) in any engine of test/support/engines: a
 * fresh page per describe block, and typed calls to the sandboxes it holds.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Checkpoint, SandboxOptions } from '../../../src/shared/types.js';
import type { Engine, EnginePage } from '../engines/engine.js';
import { type StaticServer, type StaticServerOptions, startStaticServer } from '../static-server.js';
import { type CountedResult, HOST_PAGE_PATH, type HarnessResult, type PlainRunOptions } from './host-page.js';
import { REPO_ROOT } from './repo.js';

const TIMEOUT_MS = 120_000;

type Plain = Omit<SandboxOptions, 'onProgress'>;
/** A sandbox's idle saves (src/sandbox/session/restart-point.ts `counts`). */
type SaveCounts = { begun: number; kept: number; gaveWay: number };

/** The harness of pages/host.html (see harness.js); `id` names one of the page's sandboxes. */
export function harness(page: () => EnginePage, id = 'main') {
  return {
    create: (options: Plain = {}) => page().call<{ interruptible: boolean; bootPath: string }>('create', options, id),
    run: (code: string, options: PlainRunOptions = {}) => page().call<HarnessResult>('run', code, options, id),
    /** `run`, answered with counts only (a large result is not copied out of the page). */
    runCounted: (code: string, options: { timeoutMs?: number } = {}) => page().call<CountedResult>('runCounted', code, options, id),
    /** `run` begun: its ticket for `finish`, so a test can act while it runs. */
    start: (code: string, options: PlainRunOptions = {}) => page().call<number>('start', code, options, id),
    finish: (ticket: number) => page().call<HarnessResult>('finish', ticket),
    interrupt: () => page().call<void>('interrupt', id),
    writeFile: (path: string, text: string) => page().call<void>('writeFile', path, text, id),
    progress: () => page().call<string[]>('progress', id),
    /** Connects an MCP server through `boundedMcpFetch`: its tools become page functions `<name>__<tool>` (their names). */
    connectMcp: (url: string, name: string) => page().call<string[]>('connectMcp', url, name),
    /** Saves the sandbox's state in the page under `name`: its size and the page's wait (pages/harness.js). */
    saveState: (name: string) => page().call<{ bytes: number; ms: number }>('saveState', name, id),
    /** Restores the state saved under `name`, edited first ('tamper', 'otherBuild'): its time, or its error as data. */
    restoreState: (name: string, options: { edit?: 'tamper' | 'otherBuild'; maxBytes?: number } = {}) =>
      page().call<{ ms: number } | { error: { name: string; code: string; message: string } }>('restoreState', name, options, id),
    /** The sandbox's idle saves so far: begun, kept, and given up for a call that arrived. */
    saveCounts: () => page().call<SaveCounts>('saveCounts', id),
    /** Runs `code` as soon as idle save number `save` has begun: its outcome, and the saves' counts once it is done. */
    runDuringSave: (code: string, save: number) => page().call<{ outcome: string; counts: SaveCounts }>('runDuringSave', code, save, id),
    checkpoints: () => page().call<Checkpoint[]>('checkpoints', id),
    /** Rewinds to checkpoint `checkpoint`: how long the page waited. */
    rewind: (checkpoint: string) => page().call<{ ms: number }>('rewind', checkpoint, id),
    /** Forks this sandbox (from `checkpoint`, or its current state) into the page's sandbox `forkId` (see `harness(page, forkId)`). */
    fork: (forkId: string, checkpoint?: string) => page().call<void>('fork', forkId, checkpoint, id),
    /** Until the warm spare has booted and stored its snapshot. */
    whenIdle: () => page().call<void>('whenIdle', id),
    /** The longest the page's main thread was blocked while `fn` ran (sampled every 10 ms). */
    async longestStallDuring<T>(fn: () => Promise<T>): Promise<{ value: T; stallMs: number; tickShare: number }> {
      await page().call('watchStalls');
      const value = await fn();
      const stallMs = await page().call<number>('longestStallMs');
      return { value, stallMs, tickShare: await page().call<number>('tickShare') };
    },
  };
}

/**
 * A fresh host page in `engine` for the enclosing describe block, served with or without
 * cross-origin isolation (opened before its tests, closed after; nothing when the engine is missing).
 */
export function useHostPage(engine: Engine, crossOriginIsolated: boolean, routes?: StaticServerOptions['routes']) {
  const holder = {} as { server: StaticServer; page: EnginePage };
  beforeAll(async () => {
    if (engine.missing) return;
    holder.server = await startStaticServer({ root: REPO_ROOT, crossOriginIsolated, routes });
    holder.page = await engine.open(`${holder.server.origin}${HOST_PAGE_PATH}`);
  }, TIMEOUT_MS);
  afterAll(async () => {
    await holder.page?.close();
    await holder.server?.close();
  }, TIMEOUT_MS);
  /** The page's sandbox `id` ('main' by default). */
  const sandbox = (id?: string) => harness(() => holder.page, id);
  return { host: sandbox(), sandbox, page: () => holder.page, server: () => holder.server };
}
