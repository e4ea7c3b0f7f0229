/**
 * Host side of raw-worker.mjs, shaped like the sandbox's `run`/`interrupt`/`dispose` so the same
 * measurements drive both. Works in Node (worker_threads) and browsers (module Worker).
 *
 * A run with `timeoutMs` that misses its deadline is handled the cheapest way possible: terminate
 * the worker and boot a new one (no grace period), the floor for the sandbox's forced restart.
 */
const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

export class RawPyodide {
  #options;
  #worker;
  #interruptView;
  #pending = new Map();
  #nextId = 0;

  /** @param {{ workerUrl: URL, pyodideUrl: string, indexURL?: string, onProgress?: (message: string) => void }} options */
  constructor(options) {
    this.#options = options;
  }

  /** Spawns the worker and resolves when Python is ready. */
  static async start(options) {
    const raw = new RawPyodide(options);
    await raw.#boot();
    return raw;
  }

  /** Same condition as the sandbox: SharedArrayBuffer usable (always in Node, isolated pages in browsers). */
  get interruptible() {
    return this.#interruptView !== undefined;
  }

  /** @returns {Promise<{ ok: boolean, result?: string, error?: string, stdout: string, stateLost: boolean }>} */
  async run(code, { timeoutMs } = {}) {
    if (this.#interruptView) Atomics.store(this.#interruptView, 0, 0);
    const id = this.#nextId++;
    const reply = new Promise((resolve) => this.#pending.set(id, resolve));
    this.#worker.postMessage({ type: 'run', id, code });
    if (timeoutMs === undefined) return { ...(await reply), stateLost: false };
    let timer;
    const deadline = new Promise((resolve) => (timer = setTimeout(() => resolve('deadline'), timeoutMs)));
    const settled = await Promise.race([reply, deadline]);
    clearTimeout(timer);
    if (settled !== 'deadline') return { ...settled, stateLost: false };
    this.#pending.delete(id);
    await this.#terminate();
    await this.#boot();
    return { ok: false, error: 'deadline', stdout: '', stateLost: true };
  }

  interrupt() {
    if (this.#interruptView) Atomics.store(this.#interruptView, 0, 2); // SIGINT → KeyboardInterrupt
  }

  dispose() {
    return this.#terminate();
  }

  async #boot() {
    const sab = typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated !== false ? new SharedArrayBuffer(1) : undefined;
    this.#interruptView = sab && new Uint8Array(sab);
    this.#worker = await spawn(this.#options.workerUrl);
    const ready = new Promise((resolve, reject) => {
      this.#worker.onMessage((message) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'progress') this.#options.onProgress?.(message.message);
        else this.#settle(message);
      });
      this.#worker.onError(reject);
    });
    this.#worker.postMessage({ type: 'boot', pyodideUrl: this.#options.pyodideUrl, indexURL: this.#options.indexURL, interruptBuffer: sab });
    await ready;
  }

  #settle(reply) {
    const resolve = this.#pending.get(reply.id);
    this.#pending.delete(reply.id);
    resolve?.(reply);
  }

  async #terminate() {
    await this.#worker?.terminate();
    this.#worker = undefined;
  }
}

/** One small interface over the two kinds of worker. */
async function spawn(url) {
  if (isNode) {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(url, { execArgv: [] });
    return {
      postMessage: (m) => worker.postMessage(m),
      onMessage: (fn) => worker.on('message', fn),
      onError: (fn) => worker.on('error', fn),
      terminate: () => worker.terminate(),
    };
  }
  const worker = new Worker(url, { type: 'module' });
  return {
    postMessage: (m) => worker.postMessage(m),
    onMessage: (fn) => worker.addEventListener('message', (e) => fn(e.data)),
    onError: (fn) => worker.addEventListener('error', (e) => fn(new Error(e.message || 'raw worker failed to load'))),
    terminate: async () => worker.terminate(),
  };
}
