/**
 * The world an escape attempt runs in: a host origin (static server with a cookie-protected
 * `/api/secret`) whose storage holds seeded secrets, a host page with a booted sandbox, a second
 * tab of the same origin listening on BroadcastChannels, and a canary server elsewhere.
 *
 * `attempt()` runs one piece of Python and records everything that reached anyone;
 * `expectNoEscape()` asserts nothing did.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { CanaryHit, CanaryServer } from '../canary-server.js';
import { type ServedRequest, type StaticServer, startStaticServer } from '../static-server.js';
import type { EscapeTargets } from './escape-attempts.js';
import { type HarnessResult, HostPage, LISTENER_PAGE_PATH, type PlainSandboxOptions } from './host-page.js';
import { REPO_ROOT } from './repo.js';
import { API_PATH, type Secrets, type StorageState, callApiFromPage, makeSecrets, readStorage, secretApi, secretsIn, seedSecrets } from './secrets.js';

/** Where the sandbox is told packages live (nothing is served there: every wheel 404s). */
export const WHEELS_PATH = '/wheels/';
/** Async attempts (a fetch from a timer, a WebSocket retry) get this long to show up after a run. */
const SETTLE_MS = 500;

export const LOCK_FILE_NAMES = new Set(
  Object.values(
    (JSON.parse(readFileSync(`${REPO_ROOT}node_modules/pyodide/pyodide-lock.json`, 'utf8')) as { packages: Record<string, { file_name: string }> }).packages,
  ).map((p) => p.file_name),
);

export interface EscapeWorld {
  server: StaticServer;
  canary: CanaryServer;
  context: BrowserContext;
  host: HostPage;
  /** Another tab of the host origin. */
  listener: Page;
  secrets: Secrets;
  /** Calls to `/api/secret` (from anyone) since the last attempt or batch began. */
  apiCalls: { cookie: boolean }[];
  /** The host origin's storage right after seeding. */
  baseline: StorageState;
  targets: EscapeTargets;
}

/** What reached anyone during one attempt, or during a batch of them. */
export interface Reached {
  canaryHits: CanaryHit[];
  canaryConnections: number;
  /** Requests the host origin's server got during the attempt. */
  hostRequests: ServedRequest[];
  /** Calls to `/api/secret` during the attempt. */
  apiCalls: { cookie: boolean }[];
}

/** One attempt: its run's result and what reached anyone meanwhile. */
export interface AttemptTrace extends Reached {
  result: HarnessResult;
}

export async function openEscapeWorld(
  browser: Browser,
  canary: CanaryServer,
  options: { crossOriginIsolated: boolean; sandbox?: PlainSandboxOptions },
): Promise<EscapeWorld> {
  let secrets: Secrets | undefined;
  const api = secretApi(() => secrets);
  const server = await startStaticServer({ root: REPO_ROOT, crossOriginIsolated: options.crossOriginIsolated, routes: { [API_PATH]: api.route } });
  const context = await browser.newContext();
  const host = await HostPage.open(context, server.origin);
  const listener = await context.newPage();
  await listener.goto(server.origin + LISTENER_PAGE_PATH);
  await listener.waitForFunction(() => window.__listening === true);

  secrets = makeSecrets();
  await seedSecrets(host.page, secrets);
  // The secrets are live: the page's own credentialed call gets the API's secret.
  const own = await callApiFromPage(host.page);
  if (own.status !== 200 || !own.body.includes(secrets.api)) throw new Error(`the host page's own API call failed: ${own.status} ${own.body}`);
  const baseline = await readStorage(host.page);
  // Seeding localStorage told the other tab; from here on it must hear nothing.
  await listener.waitForFunction(() => window.__storageEvents.length > 0);
  await listener.evaluate(() => {
    window.__storageEvents.length = 0;
  });

  await host.create({ packageBaseUrl: server.origin + WHEELS_PATH, ...options.sandbox });
  return {
    server,
    canary,
    context,
    host,
    listener,
    secrets,
    apiCalls: api.calls,
    baseline,
    targets: { canary: canary.url, canaryWs: canary.wsUrl, host: server.origin },
  };
}

export async function closeEscapeWorld(world: EscapeWorld | undefined): Promise<void> {
  if (!world) return;
  await world.host.close().catch(() => undefined);
  await world.context.close().catch(() => undefined);
  await world.server.close();
}

/**
 * Runs `code` in the world's sandbox (or the one named `sandboxId`) with fresh counters, then waits
 * SETTLE_MS for stragglers. With `settle: false` (one of a batch) it neither clears the counters
 * nor waits: its trace is what arrived during its run, and what any attempt of the batch sends
 * later is caught by {@link expectNothingLate} after the last (one wait per batch, not per attempt).
 */
export async function attempt(world: EscapeWorld, code: string, { timeoutMs = 20_000, sandboxId = 'main', settle = true } = {}): Promise<AttemptTrace> {
  if (settle) startBatch(world);
  const before = {
    hits: world.canary.hits.length,
    connections: world.canary.connections,
    requests: world.server.requests.length,
    apiCalls: world.apiCalls.length,
  };
  const result = await world.host.run(code, { timeoutMs }, sandboxId);
  if (settle) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  return {
    result,
    canaryHits: world.canary.hits.slice(before.hits),
    canaryConnections: world.canary.connections - before.connections,
    hostRequests: world.server.requests.slice(before.requests),
    apiCalls: world.apiCalls.slice(before.apiCalls),
  };
}

/** Clears the world's counters: before a batch of `attempt(..., { settle: false })`, and before each attempt that settles. */
export function startBatch(world: EscapeWorld): void {
  world.canary.reset();
  world.server.clearRequests();
  world.apiCalls.length = 0;
}

/**
 * After a batch: SETTLE_MS later, nothing reached anyone since {@link startBatch}, so a request an
 * attempt sent after its run ended (a fetch from a timer, a WebSocket retry) still fails the suite.
 */
export async function expectNothingLate(world: EscapeWorld): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const { canary, server, apiCalls } = world;
  await expectNoEscape(world, {
    canaryHits: [...canary.hits],
    canaryConnections: canary.connections,
    hostRequests: [...server.requests],
    apiCalls: [...apiCalls],
  });
}

/** A host request the sandbox may cause: a lock-file wheel from the configured package source. */
export function isLockFileWheel(request: ServedRequest): boolean {
  return request.path.startsWith(WHEELS_PATH) && LOCK_FILE_NAMES.has(request.path.slice(WHEELS_PATH.length));
}

/** Nothing got out: no network, no secret, no storage change, no message to the page or another tab. */
export async function expectNoEscape(world: EscapeWorld, trace: Reached & { result?: HarnessResult }): Promise<void> {
  expect(trace.canaryHits, 'requests that reached the canary').toEqual([]);
  expect(trace.canaryConnections, 'TCP connections to the canary').toBe(0);
  if (trace.result) expect(secretsIn(trace.result, world.secrets), 'secrets in the run result').toEqual([]);
  expect(trace.apiCalls, "calls to the host origin's API").toEqual([]);
  expect(
    trace.hostRequests.filter((r) => !isLockFileWheel(r)),
    'host requests other than lock-file wheels',
  ).toEqual([]);
  expect(await readStorage(world.host.page), "the host origin's storage").toEqual(world.baseline);
  expect(await world.host.unexpectedMessages(), 'messages the host page did not expect').toEqual([]);
  expect(await world.host.broadcasts(), "the host page's BroadcastChannels").toEqual([]);
  expect(await world.listener.evaluate(() => window.__broadcasts), "another tab's BroadcastChannels").toEqual([]);
  expect(await world.listener.evaluate(() => window.__storageEvents), "another tab's storage events").toEqual([]);
}

/** One line for the suite's summary: how the attempt ended. */
export function describeOutcome(result: HarnessResult): string {
  if (result.outcome === 'OUTCOME_OK') return `ok (${(result.output.trim().split('\n').pop() ?? '').slice(0, 100)})`;
  return `${result.outcome}: ${result.error?.name}: ${(result.error?.message ?? '').split('\n')[0].slice(0, 160)}`;
}

export { secretsIn };
