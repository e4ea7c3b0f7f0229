/**
 * The widget's Python: booted once on demand, kept while the element moves in the DOM, disposed
 * when it leaves the page, and its load progress kept for the progress bar. A Lit reactive
 * controller, so `code-exec-chat.ts` holds none of this lifecycle itself.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { PythonSandbox } from '../../sandbox/python-sandbox.js';
import type { LoadProgress, SandboxOptions } from '../../shared/types.js';

/** What the element is told about its sandbox. */
export interface SandboxHooks {
  /** The options of the next boot (read when it starts). */
  options(): Omit<SandboxOptions, 'onProgress'>;
  /** The sandbox booted. */
  ready(sandbox: PythonSandbox): void;
  /** A boot failed; the next `ensure()` tries again. */
  failed(error: unknown): void;
  /** The element left the page: called just before the sandbox is disposed. */
  disposing(): void;
}

/** The element's attributes that say where Python's files come from (relative to the page). */
export interface SandboxUrls {
  readonly pyodideUrl: string | undefined;
  readonly packagesUrl: string | undefined;
  readonly workerUrl: string | undefined;
}

/**
 * The options of a boot: `urls`, and the package index if one is in use, resolved against the page's base URL. Checkpoints are on:
 * editing or regenerating an earlier message rewinds Python to before it.
 */
export function bootOptions(urls: SandboxUrls, packageIndex: string | undefined): Omit<SandboxOptions, 'onProgress'> {
  return {
    checkpoints: true,
    ...(urls.pyodideUrl && { indexURL: new URL(urls.pyodideUrl, document.baseURI).href }),
    ...(urls.packagesUrl && { packageBaseUrl: new URL(urls.packagesUrl, document.baseURI).href }),
    ...(urls.workerUrl && { workerUrl: new URL(urls.workerUrl, document.baseURI) }),
    ...(packageIndex && { packageIndex: new URL(packageIndex, document.baseURI).href }),
  };
}

export class SandboxController implements ReactiveController {
  /** The boot in flight or done; undefined before the first, after a failed one and after disposal. */
  private boot: Promise<PythonSandbox> | undefined;
  private booted: PythonSandbox | undefined;
  private disposeTimer: ReturnType<typeof setTimeout> | undefined;
  private progressTimer: ReturnType<typeof setTimeout> | undefined;
  /** The latest progress worth showing, and whether the bar shows it. */
  progress: LoadProgress | undefined;
  progressVisible = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly hooks: SandboxHooks,
  ) {
    host.addController(this);
  }

  /** The sandbox, once it has booted. */
  get current(): PythonSandbox | undefined {
    return this.booted;
  }

  /** Whether Python is loading now: a run asked for meanwhile waits for it. */
  get loading(): boolean {
    return this.boot !== undefined && this.booted === undefined;
  }

  /** Boots the sandbox (once) and resolves with it. */
  ensure(): Promise<PythonSandbox> {
    if (this.boot) return this.boot;
    // Shown at once: the first event from the worker comes after the runtime files are fetched.
    this.onProgress({ phase: 'boot', message: 'Starting Python' });
    const boot = PythonSandbox.create({ ...this.hooks.options(), onProgress: (progress) => this.onProgress(progress) });
    this.boot = boot.then(
      (sandbox) => {
        this.booted = sandbox;
        // A download step may have come after the boot's "ready" (the standard library, which
        // Python does not wait for): the boot's steps end here all the same.
        if (this.progress?.phase === 'boot') this.hideSoon();
        this.hooks.ready(sandbox);
        this.host.requestUpdate();
        return sandbox;
      },
      (error: unknown) => {
        this.boot = undefined;
        this.setProgressVisible(false);
        this.hooks.failed(error);
        throw error;
      },
    );
    return this.boot;
  }

  /** Boots in the background; a failure reaches `hooks.failed`. */
  start(): void {
    this.ensure().catch(() => undefined);
  }

  hostConnected(): void {
    // Moving the element in the DOM disconnects and reconnects it: the sandbox is kept then.
    clearTimeout(this.disposeTimer);
  }

  hostDisconnected(): void {
    clearTimeout(this.progressTimer);
    this.disposeTimer = setTimeout(() => {
      this.hooks.disposing();
      void this.boot?.then((sandbox) => sandbox.dispose()).catch(() => undefined);
      this.boot = undefined;
      this.booted = undefined;
    }, 0);
  }

  private onProgress(progress: LoadProgress): void {
    // Once Python is up, boot events come from the sandbox's warm spare booting in the background:
    // nothing the reader waits for. Package loads (and the "ready" that ends them) still show.
    if (this.booted && (progress.phase === 'boot' || (progress.phase === 'ready' && !this.progressVisible))) return;
    this.progress = progress;
    this.setProgressVisible(true);
    clearTimeout(this.progressTimer);
    if (progress.phase === 'ready') this.hideSoon();
  }

  /** Hides the bar in a moment: a "ready" stays on screen briefly, so the bar visibly completes. */
  private hideSoon(): void {
    clearTimeout(this.progressTimer);
    this.progressTimer = setTimeout(() => this.setProgressVisible(false), 900);
  }

  private setProgressVisible(visible: boolean): void {
    this.progressVisible = visible;
    this.host.requestUpdate();
  }
}
