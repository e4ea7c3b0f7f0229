/**
 * One booted interpreter: a worker, its comlink handle and its interrupt buffer.
 * The sandbox replaces a session wholesale when the interpreter must be thrown away.
 */
import { type Remote, proxy, wrap } from 'comlink';
import type { BootConfig, BootInfo, WorkerApi } from '../protocol.js';
import type { LoadProgress } from '../types.js';
import { SandboxBootError } from './errors.js';
import { InterruptBuffer } from './interrupt.js';
import { type SpawnedWorker, spawnWorker } from './spawn.js';

export class WorkerSession {
  /** Settles (never rejects) with a reason when the worker dies or is terminated. */
  readonly died: Promise<string>;
  private dead = false;
  private markDead!: (reason: string) => void;

  private constructor(
    private readonly worker: SpawnedWorker,
    readonly remote: Remote<WorkerApi>,
    readonly interruptBuffer: InterruptBuffer | undefined,
    public info: BootInfo | undefined = undefined,
  ) {
    this.died = new Promise((resolve) => {
      this.markDead = (reason) => {
        if (this.dead) return;
        this.dead = true;
        resolve(reason);
      };
    });
    worker.onExit((reason) => this.markDead(reason));
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Spawns a worker and boots Python in it; throws `SandboxBootError` on failure or timeout. */
  static async start(workerUrl: URL, config: BootConfig, bootTimeoutMs: number, onProgress?: (p: LoadProgress) => void, signal?: AbortSignal): Promise<WorkerSession> {
    const worker = await spawnWorker(workerUrl);
    const session = new WorkerSession(worker, wrap<WorkerApi>(worker.endpoint), InterruptBuffer.create());
    const release = worker.hold();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new SandboxBootError(`Python did not start within ${bootTimeoutMs} ms (limits.bootTimeoutMs). Check that ${config.indexURL} serves the Pyodide runtime, with application/wasm for pyodide.asm.wasm.`)),
          bootTimeoutMs,
        );
      });
      const died = session.died.then((reason) => {
        throw new SandboxBootError(`The sandbox worker died while booting (${reason}). Check the worker URL and indexURL (${config.indexURL}).`);
      });
      // Aborting (a disposed sandbox's spare) ends the boot at once.
      const onAbort = () => void session.terminate('boot aborted');
      if (signal?.aborted) onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      const boot = session.remote.boot(config, session.interruptBuffer?.buffer, proxy((p: LoadProgress) => onProgress?.(p)));
      session.info = await Promise.race([boot, timeout, died]);
      return session;
    } catch (error) {
      await session.terminate('boot failed');
      if (error instanceof SandboxBootError) throw error;
      throw new SandboxBootError(`Python failed to start: ${(error as Error)?.message ?? String(error)}`);
    } finally {
      clearTimeout(timer);
      release();
    }
  }

  /** Keeps a Node process alive for the duration of a call. */
  hold(): () => void {
    return this.worker.hold();
  }

  async terminate(reason: string): Promise<void> {
    this.markDead(reason);
    await this.worker.terminate();
  }
}
