/**
 * Test harness for pages that hold one or more sandboxes: loads the built library exactly as an
 * app would (/dist/sandbox.js, default worker and runtime URLs) and exposes `window.harness` for
 * Node-side tests to drive with page.evaluate. Sandboxes are named by an id ('main' by default).
 * Only plain data crosses page.evaluate: results carry the streamed chunks as `streamed`.
 */
const MAX_STREAMED_CHARS = 1 << 20;

/**
 * The page's functions a run may be given by name (`options.pageFunctions`), since handlers cannot
 * cross page.evaluate. Their calls are counted in `window.__pageCalls`, aborts in `window.__pageAborts`.
 */
const PAGE_FUNCTIONS = {
  get_sales_data: {
    name: 'get_sales_data',
    description: 'Monthly sales of one region.',
    parameters: { type: 'object', properties: { region: { type: 'string' } }, required: ['region'] },
    handler: ({ region }) => {
      window.__pageCalls.push(region);
      return { region, months: [1, 2, 3] };
    },
  },
  count_ids: {
    name: 'count_ids',
    description: 'How many ids there are.',
    parameters: { type: 'object', properties: { ids: { type: 'array', items: { type: 'string' } } }, required: ['ids'] },
    handler: ({ ids }) => ids.length,
  },
  wait_for_ever: {
    name: 'wait_for_ever',
    handler: (_args, { signal }) =>
      new Promise((_resolve, reject) => {
        window.__pageWaits++;
        signal.addEventListener('abort', () => {
          window.__pageAborts++;
          reject(signal.reason);
        });
      }),
  },
};
window.__pageCalls = [];
window.__pageWaits = 0;
window.__pageAborts = 0;

export async function installHarness() {
  const { PythonSandbox } = await import('/dist/sandbox.js');
  const sandboxes = new Map();
  /** Every progress message each sandbox delivered, by id. */
  const progress = new Map();
  const tickets = new Map();
  let ticketSeq = 0;
  /** Saved states by name (`saveState`). */
  const states = new Map();

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
    const { pageFunctions, abortAfterMs, ...rest } = options;
    const functions = pageFunctions?.map((name) => PAGE_FUNCTIONS[name]);
    // A signal that aborts `abortAfterMs` after the run began (an AbortSignal cannot cross page.evaluate).
    const signal = abortAfterMs === undefined ? undefined : AbortSignal.timeout(abortAfterMs);
    // When it fired: a busy page's timer may fire late.
    signal?.addEventListener('abort', () => (window.__abortedAt = performance.now()));
    const result = await get(id).run(code, { ...rest, onOutput, ...(functions && { functions }), ...(signal && { signal }) });
    return { ...result, streamed };
  };

  window.harness = {
    async create(options = {}, id = 'main') {
      if (sandboxes.has(id)) throw new Error(`harness: sandbox "${id}" exists`);
      const messages = [];
      progress.set(id, messages);
      const started = performance.now();
      const sandbox = await PythonSandbox.create({ ...options, onProgress: (p) => messages.push(p.message) });
      const ms = performance.now() - started;
      sandboxes.set(id, sandbox);
      // The progress messages delivered by the time create() resolved.
      return { interruptible: sandbox.interruptible, bootPath: sandbox.bootPath, progress: [...messages], ms };
    },
    run: (code, options, id = 'main') => run(id, code, options),
    /** A run whose result stays in the page but its size: handing a large one to the test costs the page's thread too. */
    runCounted: async (code, options, id = 'main') => {
      const { outcome, stateLost, files, images, output } = await run(id, code, options);
      return { outcome, stateLost, files: files.length, images: images.length, outputChars: output.length };
    },
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
    /**
     * Connects the official MCP client (bundled by the test: test/support/browser/mcp-client.ts) to
     * the server at `url` as an app does, its transport given `boundedMcpFetch()`; the server's tools
     * join the page's functions as `<name>__<tool>`. Their names.
     */
    async connectMcp(url, name) {
      const { Client, StreamableHTTPClientTransport } = await import('/test-results/mcp-browser/mcp-client.js');
      const { boundedMcpFetch, mcpFunctions } = await import('/dist/sandbox.js');
      const client = new Client({ name: 'harness', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: boundedMcpFetch() }));
      const functions = await mcpFunctions({ [name]: client });
      for (const fn of functions) PAGE_FUNCTIONS[fn.name] = fn;
      return functions.map((fn) => fn.name);
    },
    /** Starts measuring the longest gap between turns of the page's event loop (sampled every 10 ms). */
    watchStalls() {
      let last = performance.now();
      window.__longestStallMs = 0;
      window.__stallTicks = 0;
      window.__stallStart = last;
      clearInterval(window.__stallTimer);
      window.__stallTimer = setInterval(() => {
        const now = performance.now();
        window.__longestStallMs = Math.max(window.__longestStallMs, now - last - 10);
        window.__stallTicks++;
        last = now;
      }, 10);
    },
    longestStallMs() {
      clearInterval(window.__stallTimer);
      window.__stallEnd = performance.now();
      return window.__longestStallMs;
    },
    /** The share of the 10 ms ticks the page got since `watchStalls` (read after `longestStallMs`). */
    tickShare() {
      return (window.__stallTicks * 10) / Math.max(10, window.__stallEnd - window.__stallStart);
    },
    /** Seeds the host origin's secrets (test/browser/support/secrets.ts) in every store the page has. */
    async seedSecrets(s) {
      document.cookie = `session=${s.cookie}; path=/; SameSite=Strict`;
      localStorage.setItem('secret', s.localStorage);
      await new Promise((resolve, reject) => {
        const open = indexedDB.open('secrets', 1);
        open.onupgradeneeded = () => open.result.createObjectStore('kv');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('kv', 'readwrite');
          tx.objectStore('kv').put(s.indexedDB, 'secret');
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      });
      const cache = await caches.open('secrets');
      await cache.put('/secret-cache-entry', new Response(s.cache));
      // OPFS where the engine has it (WebKitGTK's MiniBrowser has no navigator.storage).
      if (navigator.storage?.getDirectory) {
        const root = await navigator.storage.getDirectory();
        const writable = await (await root.getFileHandle('secret.txt', { create: true })).createWritable();
        await writable.write(s.opfs);
        await writable.close();
      }
      window.__apiKey = s.apiKey;
    },
    /** The host page's own credentialed call to `path` (a control: the cookie does open it). */
    async callApi(path) {
      const response = await fetch(path, { credentials: 'include' });
      return { status: response.status, body: await response.text() };
    },
    /** Window messages the page did not expect (see host.html). */
    unexpectedMessages: () => window.__unexpectedMessages,
    /** `data`: text, or bytes as a number array (only plain data crosses page.evaluate). */
    writeFile: (path, data, id = 'main') => get(id).writeFile(path, typeof data === 'string' ? data : new Uint8Array(data)),
    readFile: async (path, id = 'main') => Array.from(await get(id).readFile(path)),
    listFiles: (id = 'main') => get(id).listFiles(),
    reset: (id = 'main') => get(id).reset(),
    whenIdle: (id = 'main') => get(id).whenIdle(),
    /**
     * Saves sandbox `id`'s state into the page under `name` (the bytes stay here: only plain data
     * crosses page.evaluate). Its size and how long the page waited.
     */
    async saveState(name, id = 'main') {
      const started = performance.now();
      const bytes = await get(id).saveState();
      states.set(name, bytes);
      return { bytes: bytes.length, ms: performance.now() - started };
    },
    /**
     * Restores the state saved under `name` into sandbox `id`, `edit`ed first ('tamper': one payload
     * byte flipped; 'otherBuild': the header's key names other sources). Its time, or the error as data.
     */
    async restoreState(name, { edit, maxBytes } = {}, id = 'main') {
      const bytes = edited(states.get(name), edit);
      const started = performance.now();
      try {
        await get(id).restoreState(bytes, maxBytes);
        return { ms: performance.now() - started };
      } catch (error) {
        return { error: { name: error?.name, code: error?.code, message: String(error?.message ?? error) } };
      }
    },
    /** Sandbox `id`'s idle saves so far (its restart point's counts: begun, kept, given up for a call that arrived). */
    saveCounts: (id = 'main') => ({ ...get(id).restartPoint.counts }),
    /** Runs `code` as soon as sandbox `id`'s idle save number `save` has begun: its outcome, and the saves' counts once it is done. */
    async runDuringSave(code, save, id = 'main') {
      const { counts } = get(id).restartPoint;
      while (counts.begun < save) await new Promise((resolve) => setTimeout(resolve, 1));
      const { outcome } = await run(id, code);
      return { outcome, counts: { ...counts } };
    },
    checkpoints: (id = 'main') => get(id).checkpoints(),
    /** Rewinds sandbox `id` to checkpoint `checkpoint`: its time. */
    async rewind(checkpoint, id = 'main') {
      const started = performance.now();
      await get(id).rewind(checkpoint);
      return { ms: performance.now() - started };
    },
    /** Forks sandbox `id` (from `checkpoint`, or its current state) into a new sandbox `forkId`. */
    async fork(forkId, checkpoint, id = 'main') {
      if (sandboxes.has(forkId)) throw new Error(`harness: sandbox "${forkId}" exists`);
      // WebDriver (WebKit) hands over an undefined argument as null.
      sandboxes.set(forkId, await get(id).fork(checkpoint ?? undefined));
    },
    /** The state saved under `name`, fetched from the page's server (`url`), or sent to it (POST). */
    async fetchState(name, url) {
      states.set(name, new Uint8Array(await (await fetch(url)).arrayBuffer()));
    },
    async postState(name, url) {
      await fetch(url, { method: 'POST', body: states.get(name) });
    },
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

/** A saved state's bytes as a test edits them (see `restoreState`); a copy, the original kept. */
function edited(bytes, edit) {
  if (!edit) return bytes;
  const out = bytes.slice();
  if (edit === 'tamper') {
    out[out.length - 10] ^= 0xff;
    return out;
  }
  // 'otherBuild': the header ("PSST" | u32 length | JSON) rewritten with another source hash.
  const length = new DataView(out.buffer).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(out.subarray(8, 8 + length)));
  header.key.sourceHash = 'another build';
  const json = new TextEncoder().encode(JSON.stringify(header));
  const rewritten = new Uint8Array(8 + json.length + out.length - 8 - length);
  rewritten.set(out.subarray(0, 4));
  new DataView(rewritten.buffer).setUint32(4, json.length, true);
  rewritten.set(json, 8);
  rewritten.set(out.subarray(8 + length), 8 + json.length);
  return rewritten;
}
