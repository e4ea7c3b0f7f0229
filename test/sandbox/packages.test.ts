/**
 * Package auto-load from imports, proven offline with a wheel built and served on localhost.
 * (Real deployments fetch numpy & co. from the Pyodide CDN or a self-hosted distribution: the
 * same code path, another packageBaseUrl.)
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { LoadProgress } from '../../dist/index.node.js';
import { it } from '../support/fixtures.js';
import { type WheelServer, serveTinyWheel } from '../support/tiny-wheel.js';

let wheels: WheelServer;
beforeAll(async () => {
  wheels = await serveTinyWheel();
});
afterAll(() => wheels?.close());

describe('packages', () => {
  it('loads a package named in the lock file when the code imports it, reporting progress', async ({ createSandbox }) => {
    const progress: LoadProgress[] = [];
    const sandbox = await createSandbox({
      packageBaseUrl: wheels.baseUrl,
      lockFileContents: wheels.lockFileContents,
      warmSpare: false,
      onProgress: (p) => progress.push(p),
    });
    const r = await sandbox.run('import tinypkg\ntinypkg.greet("wheel"), tinypkg.ANSWER');
    expect(r.outcome).toBe('OUTCOME_OK');
    expect(r.result).toBe("('hello wheel', 42)");
    expect(wheels.requests).toContain('/tinypkg-1.0.0-py3-none-any.whl');
    expect(progress.some((p) => p.phase === 'packages' && /tinypkg/.test(p.message))).toBe(true);
  });

  it('fails with PackageLoadError naming the package when its source is unreachable', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ packageBaseUrl: 'http://127.0.0.1:9/', lockFileContents: wheels.lockFileContents, warmSpare: false });
    const r = await sandbox.run('import tinypkg\nprint("must not run")');
    expect(r.outcome).toBe('OUTCOME_FAILED');
    expect(r.error?.name).toBe('PackageLoadError');
    expect(r.error?.message).toMatch(/tinypkg/);
    expect(r.output).not.toContain('must not run');
    expect((await sandbox.run('1 + 1')).result).toBe('2');
  });

  it('leaves imports that are not in the lock file to Python (ModuleNotFoundError)', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ packageBaseUrl: wheels.baseUrl, lockFileContents: wheels.lockFileContents, warmSpare: false });
    const r = await sandbox.run('import not_a_real_package');
    expect(r.error?.name).toBe('ModuleNotFoundError');
  });
});
