/**
 * The widget's saved Python state in any engine (test/browser/saved-state.browser.test.ts): a page
 * with one `<code-exec-chat>` (id chat0) whose Gemini requests go to a fake server through the
 * page's own origin, and functions the page runs (sent as source through `EnginePage.evaluate`:
 * each must not use anything from this module's scope).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:http';
import { SUGGESTED_MODEL } from '../../../src/agent/model-name.js';

/** Where the widget's `base-url` points on the page's origin. */
export const GEMINI_PROXY = '/gemini';

/** Static-server routes that forward the widget's Gemini requests to the fake at `target()` (same origin: no CORS). */
export function geminiProxyRoutes(target: () => string): Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<number>> {
  const forward = (req: IncomingMessage, res: ServerResponse) =>
    new Promise<number>((resolve, reject) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const upstream = request(`${target()}${url.pathname.slice(GEMINI_PROXY.length)}${url.search}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => resolve(answer.statusCode ?? 502));
      });
      upstream.on('error', reject);
      req.pipe(upstream);
    });
  const path = `${GEMINI_PROXY}/v1beta/models/${SUGGESTED_MODEL}`;
  return { [`${path}:generateContent`]: forward, [`${path}:streamGenerateContent`]: forward };
}

/** What the page's storage holds for chat0's interpreter: its size, or null. */
export async function storedStateBytes(): Promise<number | null> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open('code-exec-chat');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  try {
    if (!db.objectStoreNames.contains('interpreters')) return null;
    const value = await new Promise<unknown>((resolve, reject) => {
      const get = db.transaction('interpreters').objectStore('interpreters').get('chat0');
      get.onsuccess = () => resolve(get.result);
      get.onerror = () => reject(get.error);
    });
    return value instanceof Uint8Array ? value.length : null;
  } finally {
    db.close();
  }
}

/**
 * In the page: sends `message` through the widget (given `apiKey`) and waits until its Python
 * state is stored; the page's longest pause from the answer's end until then (sampled every
 * 10 ms), and while the widget's Python is as busy for 1.5 s without sending anything (the control:
 * WebKit runs the page and its workers in one process, which a loaded machine starves as a whole),
 * with the stored size and the wait.
 */
export async function sendAndStore(message: string, apiKey: string, timeoutMs: number) {
  const started = performance.now();
  type Chat = HTMLElement & { apiKey: string; send(text: string): Promise<void>; sandbox: { run(code: string): Promise<unknown> } };
  const chat = document.querySelector('code-exec-chat') as Chat;
  chat.apiKey = apiKey;
  const stored = async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('code-exec-chat');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    try {
      if (!db.objectStoreNames.contains('interpreters')) return undefined;
      const value = await new Promise<unknown>((resolve) => {
        const get = db.transaction('interpreters').objectStore('interpreters').get('chat0');
        get.onsuccess = () => resolve(get.result);
        get.onerror = () => resolve(undefined);
      });
      return value instanceof Uint8Array ? value : undefined;
    } finally {
      db.close();
    }
  };
  // The one stored before: the message deletes it when it starts and stores its own when it ends,
  // but a look right after the answer may come before that delete (a busy machine), and would
  // take the old one for the new (a run sent then makes the new one's save give way).
  const before = await stored();
  const same = (a: Uint8Array, b: Uint8Array | undefined) => b !== undefined && a.length === b.length && a.every((byte, i) => byte === b[i]);
  const longestPause = async (during: () => Promise<unknown>) => {
    let last = performance.now();
    let longest = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last - 10);
      last = now;
    }, 10);
    try {
      return { value: await during(), longest };
    } finally {
      clearInterval(timer);
    }
  };
  await chat.send(message);
  const answered = performance.now();
  const store = await longestPause(async () => {
    for (;;) {
      const bytes = await stored();
      if (bytes && bytes.length > 0 && !same(bytes, before)) return bytes.length;
      if (performance.now() - started > timeoutMs) throw new Error('timed out waiting for the state to be stored');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  const storedMs = performance.now() - answered;
  const busy = await longestPause(() => chat.sandbox.run('import time\n_t = time.time()\nwhile time.time() - _t < 1.5:\n    pass'));
  return { bytes: store.value as number, storedMs, pauseMs: store.longest, busyPauseMs: busy.longest };
}

/**
 * In the page, after a load: waits for chat0's divider and its Python, and runs `code` there.
 * The divider's text and the run's result (or error name).
 */
export async function afterReload(code: string, timeoutMs: number) {
  const started = performance.now();
  type Run = (code: string) => Promise<{ result?: string; error?: { name: string } }>;
  type Chat = HTMLElement & { sandbox?: { run: Run }; shadowRoot: ShadowRoot };
  const until = async <T>(what: string, probe: () => T | null | undefined | false): Promise<T> => {
    for (;;) {
      const value = probe();
      if (value) return value;
      if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const chat = await until('the chat', () => document.querySelector<Chat>('code-exec-chat'));
  const divider = await until('the divider', () => chat.shadowRoot?.querySelector<HTMLElement>('.divider'));
  const sandbox = await until("the chat's Python", () => chat.sandbox);
  const run = await sandbox.run(code);
  return {
    divider: divider.innerText,
    result: run.result ?? run.error?.name,
    transcript: chat.shadowRoot.querySelector<HTMLElement>('.transcript')?.innerText ?? '',
  };
}

/** In the page: rewrites chat0's stored state as if another build had made it (its header's source hash). */
export async function storeForeignState(): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open('code-exec-chat');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const bytes = await new Promise<Uint8Array>((resolve, reject) => {
    const get = db.transaction('interpreters').objectStore('interpreters').get('chat0');
    get.onsuccess = () => resolve(get.result);
    get.onerror = () => reject(get.error);
  });
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  header.key.sourceHash = 'another build';
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + bytes.length - 8 - length);
  out.set(bytes.subarray(0, 4));
  new DataView(out.buffer).setUint32(4, json.length, true);
  out.set(json, 8);
  out.set(bytes.subarray(8 + length), 8 + json.length);
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction('interpreters', 'readwrite');
    tx.objectStore('interpreters').put(out, 'chat0');
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

/**
 * In the page: gives chat0 `apiKey`, presses Edit on its user message `index`, sends `text` in its place (the Send
 * button), and waits until the transcript shows `answer` and the message has ended. The transcript then.
 */
export async function editAndSend(index: number, text: string, answer: string, apiKey: string, timeoutMs: number) {
  const started = performance.now();
  type Chat = HTMLElement & { shadowRoot: ShadowRoot; apiKey: string };
  type Composer = HTMLElement & { value: string; renderRoot: ParentNode };
  const until = async <T>(what: string, probe: () => T | null | undefined | false): Promise<T> => {
    for (;;) {
      const value = probe();
      if (value) return value;
      if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const chat = document.querySelector('code-exec-chat') as Chat;
  chat.apiKey = apiKey;
  const edit = await until(`an Edit button on message ${index + 1}`, () =>
    chat.shadowRoot.querySelectorAll('[data-entry="user"]')[index]?.querySelector<HTMLButtonElement>('button[aria-label="Edit this message"]'),
  );
  const users = chat.shadowRoot.querySelectorAll('[data-entry="user"]').length;
  edit.click();
  const composer = chat.shadowRoot.querySelector('cec-composer') as Composer;
  await until('the message in the box', () => composer.value !== '');
  composer.value = text;
  await new Promise((resolve) => setTimeout(resolve, 0));
  const send = composer.renderRoot.querySelector<HTMLButtonElement>('button.send');
  if (!send) throw new Error('no Send button');
  send.click();
  const transcript = () => chat.shadowRoot.querySelector<HTMLElement>('.transcript')?.innerText ?? '';
  try {
    await until('the answer', () => transcript().includes(answer) && !chat.shadowRoot.querySelector('cec-composer[busy]'));
  } catch {
    throw new Error(
      `no answer: composer ${JSON.stringify(composer.value)} busy ${composer.hasAttribute('busy')} disabled ${composer.hasAttribute('disabled')}; ${transcript().slice(-400)}`,
    );
  }
  return { users, transcript: transcript() };
}
