/**
 * Test harness for pages that hold one or more sandboxes: loads the built library exactly as an
 * app would (/dist/index.js, default worker and runtime URLs) and exposes `window.harness` for
 * Node-side tests to drive with page.evaluate. Sandboxes are named by an id ('main' by default).
 * Only plain data crosses page.evaluate: results carry the streamed chunks as `streamed`.
 */
const MAX_STREAMED_CHARS = 1 << 20;

export async function installHarness() {
  const { PythonSandbox } = await import('/dist/index.js');
  const sandboxes = new Map();
  /** Every progress message each sandbox delivered, by id. */
  const progress = new Map();
  const tickets = new Map();
  let ticketSeq = 0;

  const get = (id) => {
    const sandbox = sandboxes.get(id);
    if (!sandbox) throw new Error(`harness: no sandbox "${id}"; call create() first`);
    return sandbox;
  };

  const run = async (id, code, options = {}) => {
    const streamed = [];
    let chars = 0;
    const onOutput = (chunk) => {
      if (chars >= MAX_STREAMED_CHARS) return;
      chars += chunk.text.length;
      streamed.push({ stream: chunk.stream, text: chunk.text.slice(0, MAX_STREAMED_CHARS) });
    };
    const result = await get(id).run(code, { ...options, onOutput });
    return { ...result, streamed };
  };

  window.harness = {
    async create(options = {}, id = 'main') {
      if (sandboxes.has(id)) throw new Error(`harness: sandbox "${id}" exists`);
      const messages = [];
      progress.set(id, messages);
      const sandbox = await PythonSandbox.create({ ...options, onProgress: (p) => messages.push(p.message) });
      sandboxes.set(id, sandbox);
      // The progress messages delivered by the time create() resolved.
      return { interruptible: sandbox.interruptible, bootPath: sandbox.bootPath, progress: [...messages] };
    },
    run: (code, options, id = 'main') => run(id, code, options),
    /** Starts a run without waiting for it; `finish(ticket)` waits. */
    start(code, options, id = 'main') {
      const ticket = ++ticketSeq;
      const settled = run(id, code, options).then(
        (result) => ({ result }),
        (error) => ({ error: String(error?.stack ?? error) }),
      );
      tickets.set(ticket, settled);
      return ticket;
    },
    async finish(ticket) {
      const settled = await tickets.get(ticket);
      tickets.delete(ticket);
      if (settled.error) throw new Error(settled.error);
      return settled.result;
    },
    interrupt: (id = 'main') => get(id).interrupt(),
    progress: (id = 'main') => [...(progress.get(id) ?? [])],
    /** Starts measuring the longest gap between turns of the page's event loop (sampled every 10 ms). */
    watchStalls() {
      let last = performance.now();
      window.__longestStallMs = 0;
      clearInterval(window.__stallTimer);
      window.__stallTimer = setInterval(() => {
        const now = performance.now();
        window.__longestStallMs = Math.max(window.__longestStallMs, now - last - 10);
        last = now;
      }, 10);
    },
    longestStallMs() {
      clearInterval(window.__stallTimer);
      return window.__longestStallMs;
    },
    /** `data`: text, or bytes as a number array (only plain data crosses page.evaluate). */
    writeFile: (path, data, id = 'main') => get(id).writeFile(path, typeof data === 'string' ? data : new Uint8Array(data)),
    readFile: async (path, id = 'main') => Array.from(await get(id).readFile(path)),
    listFiles: (id = 'main') => get(id).listFiles(),
    reset: (id = 'main') => get(id).reset(),
    whenIdle: (id = 'main') => get(id).whenIdle(),
    ids: () => [...sandboxes.keys()],
    async dispose(id = 'main') {
      await sandboxes.get(id)?.dispose();
      sandboxes.delete(id);
    },
    async disposeAll() {
      await Promise.all([...sandboxes.values()].map((s) => s.dispose()));
      sandboxes.clear();
    },
  };
}
