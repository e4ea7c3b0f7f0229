/**
 * Where the browser's runtime comes from when the app did not serve the package's own copy: the
 * official CDN of the exact Pyodide version, said in progress. (fetch is stubbed: the CDN is not
 * reachable here; the browser builds of test/package/examples.test.ts show no CDN request when
 * the copy is served.)
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BootPlan, prepareRuntime } from '../../src/sandbox/runtime/boot-plan.js';
import { BUNDLED_PYODIDE_VERSION } from '../../src/sandbox/runtime/bundled-assets.js';
import { runtimeIn } from '../../src/sandbox/runtime/runtime-urls.js';
import { defaultRuntimeUrl } from '../../src/shared/pyodide-defaults.js';
import type { LoadProgress } from '../../src/shared/types.js';

const CDN = defaultRuntimeUrl(BUNDLED_PYODIDE_VERSION);
const MISSING = 'http://app.invalid/assets/';

/** A network where only the CDN serves the runtime (from the pyodide package's files). */
function stubNetwork(): string[] {
  const requested: string[] = [];
  vi.stubGlobal('fetch', async (input: string | URL) => {
    const url = String(input);
    requested.push(url);
    if (!url.startsWith(CDN)) return new Response('<!doctype html><title>app</title>', { status: 200, headers: { 'content-type': 'text/html' } });
    return new Response(readFileSync(new URL(`../../node_modules/pyodide/${url.slice(CDN.length)}`, import.meta.url)));
  });
  return requested;
}

function plan(runtime: BootPlan['runtime']): BootPlan {
  return { runtime, config: { indexURL: MISSING } } as BootPlan;
}

afterEach(() => vi.unstubAllGlobals());

describe('the runtime in a browser', () => {
  it("comes from the CDN of the exact Pyodide version when the package's copy is not served, and progress says so", async () => {
    const requested = stubNetwork();
    const progress: LoadProgress[] = [];
    const boot = plan({ urls: runtimeIn(MISSING), fallback: { indexURL: CDN, version: BUNDLED_PYODIDE_VERSION } });
    await prepareRuntime(boot, { snapshotCache: 'off', onProgress: (p) => progress.push(p) });
    expect(boot.config.indexURL).toBe(CDN);
    expect(JSON.parse(boot.config.runtime!.lockFile).info.platform).toMatch(/^emscripten/);
    expect(requested.filter((url) => url.startsWith(CDN))).toHaveLength(5);
    expect(progress.map((p) => p.message).join('\n')).toMatch(
      new RegExp(`answered with an HTML page.*loading Pyodide ${BUNDLED_PYODIDE_VERSION.replaceAll('.', '\\.')} from ${CDN.replaceAll('.', '\\.')}`),
    );
  });

  it('set by indexURL, is never replaced by the CDN: a missing file fails the boot, naming it and the option', async () => {
    const requested = stubNetwork();
    await expect(prepareRuntime(plan({ urls: runtimeIn(MISSING) }), { snapshotCache: 'off' })).rejects.toThrow(
      /Could not load the Pyodide runtime: http:\/\/app\.invalid\/assets\/pyodide\.mjs answered with an HTML page.*set indexURL/,
    );
    expect(requested.filter((url) => url.startsWith(CDN))).toEqual([]);
  });
});
