/**
 * Fault tests in Chromium: a describe block gets its own static server and browser context (so
 * boot snapshots cached in the context make later boots fast), and its tests share one host page
 * with a booted default sandbox (isolation: 'frame', warm spare on; see shared-sandbox.ts).
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { type StaticServer, startStaticServer } from '../static-server.js';
import { type HarnessResult, HostPage, type PlainSandboxOptions } from './host-page.js';
import { REPO_ROOT } from './repo.js';
import { type SharedSandbox, useSharedSandbox } from './shared-sandbox.js';

export interface FaultContext extends SharedSandbox {
  server: StaticServer;
  context: BrowserContext;
}

/** Boots take 3–7 s on a shared 2-core machine, more while other suites run. */
export const BOOT_TIMEOUT_MS = 180_000;

/** `create: false` leaves creating the sandbox to the test, on a fresh page per test. */
export function useFaultPage(
  browser: () => Browser,
  crossOriginIsolated: boolean,
  { sandbox = {}, create = true }: { sandbox?: PlainSandboxOptions; create?: boolean } = {},
): FaultContext {
  const ctx = {} as FaultContext;
  beforeAll(async () => {
    ctx.server = await startStaticServer({ root: REPO_ROOT, crossOriginIsolated });
    ctx.context = await browser().newContext();
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await ctx.context?.close();
    await ctx.server?.close();
  });
  return useSharedSandbox(ctx, () => HostPage.open(ctx.context, ctx.server.origin), { sandbox, create, timeoutMs: BOOT_TIMEOUT_MS });
}

/** What happened to a fault run and the runs around it. */
export interface FaultTrace {
  r: HarnessResult;
  /** Whether the global set before the fault survived it. */
  markerKept: boolean;
  /** The first run after the fault. */
  next: HarnessResult;
  /** How long that next run took, in ms (it waits for a replacement interpreter if there is one). */
  nextMs: number;
}

/** Sets a marker global, runs `code`, then checks the marker and that a plain run works. */
export async function runFault(host: HostPage, code: string, timeoutMs: number): Promise<FaultTrace> {
  // The fault before this one may have replaced the interpreter: the next spare boots first, so
  // that the stop measured here does not share two loaded cores with a boot (a cancelled await
  // then took over a second to answer and as long to unwind, and was replaced: the grace is 1 s).
  await host.whenIdle();
  expect((await host.run('marker = "kept"')).outcome).toBe('OUTCOME_OK');
  const r = await host.run(code, { timeoutMs });
  const started = performance.now();
  const next = await host.run('print("next run")\n6 * 7', { timeoutMs: 60_000 });
  const nextMs = performance.now() - started;
  const check = await host.run("globals().get('marker')");
  return { r, markerKept: check.result === "'kept'", next, nextMs };
}

/** The run after a fault works. */
export function expectNextRunWorks(trace: FaultTrace): void {
  expect(trace.next).toMatchObject({ outcome: 'OUTCOME_OK', stdout: 'next run\n', result: '42', stateLost: false });
}

/** Latencies measured by the suites, printed at the end (the numbers in SECURITY.md). */
export const measurements: string[] = [];

export function measure(label: string, trace: FaultTrace, timeoutMs: number): void {
  const overshoot = trace.r.durationMs - timeoutMs;
  measurements.push(
    `${label}: stopped ${Math.round(overshoot)} ms after the ${timeoutMs} ms deadline; next run answered in ${Math.round(trace.nextMs)} ms; stateLost ${trace.r.stateLost}`,
  );
}
