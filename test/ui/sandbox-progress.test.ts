/**
 * The widget's load progress bar (`SandboxController`): it shows the boot's steps and goes away
 * once Python is up. A first visit's standard library may still be downloading then (Python does
 * not wait for it), so a download step can reach the bar after the boot's "ready" and before the
 * boot's answer: the bar must not stay on it.
 */
import type { ReactiveControllerHost } from 'lit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LoadProgress } from '../../src/shared/types.js';
import { PythonSandbox } from '../../src/sandbox/python-sandbox.js';
import { SandboxController } from '../../src/ui/code-exec-chat/sandbox-controller.js';

/** The boot the controller started: the progress it reports to, and its end. */
const boot = { progress: (_: LoadProgress) => {}, done: (_: unknown) => {} };
/** The controller's `PythonSandbox.create`, held until the test ends it (a spy, not a module mock: the suite shares its process). */
function holdBoots(): void {
  vi.spyOn(PythonSandbox, 'create').mockImplementation(
    (options) =>
      new Promise((resolve) => {
        boot.progress = options?.onProgress ?? (() => {});
        boot.done = resolve as (_: unknown) => void;
      }),
  );
}

const host = { addController() {}, removeController() {}, requestUpdate() {}, updateComplete: Promise.resolve(true) } satisfies ReactiveControllerHost;
const hooks = { options: () => ({}), ready() {}, failed() {}, disposing() {} };
const download = (loaded: number): LoadProgress => ({
  phase: 'boot',
  message: `Downloading Python (${(loaded / 1e6).toFixed(1)} of 12.6 MB)`,
  bytes: { loaded, total: 12.6e6 },
});

describe("the widget's load progress bar", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    holdBoots();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('shows the boot, and goes away a moment after Python is ready', async () => {
    const python = new SandboxController(host, hooks);
    python.start();
    boot.progress(download(6.3e6));
    expect(python.progressVisible).toBe(true);
    boot.progress({ phase: 'ready', message: 'Python is ready' });
    boot.done({});
    await vi.advanceTimersByTimeAsync(1000);
    expect(python.progressVisible).toBe(false);
  });

  it('goes away once Python is up, when a download step came after its "ready"', async () => {
    const python = new SandboxController(host, hooks);
    python.start();
    boot.progress({ phase: 'ready', message: 'Python is ready' });
    boot.progress(download(12.1e6));
    boot.done({});
    await vi.advanceTimersByTimeAsync(1000);
    expect(python.progressVisible).toBe(false);
    // Later download steps are the background's: they do not bring it back.
    boot.progress(download(12.6e6));
    expect(python.progressVisible).toBe(false);
  });

  it('shows a package load after Python is up, until that load is ready', async () => {
    const python = new SandboxController(host, hooks);
    python.start();
    boot.progress({ phase: 'ready', message: 'Python is ready' });
    boot.done({});
    await vi.advanceTimersByTimeAsync(1000);
    boot.progress({ phase: 'packages', message: 'Loading numpy' });
    await vi.advanceTimersByTimeAsync(5000);
    expect(python.progressVisible).toBe(true);
    boot.progress({ phase: 'ready', message: 'Loaded numpy' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(python.progressVisible).toBe(false);
  });
});
