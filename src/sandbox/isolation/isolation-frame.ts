/**
 * Isolated mode (browsers): the worker lives inside a sandboxed iframe without
 * `allow-same-origin`, so its origin is opaque (no cookies, storage or same-origin requests of the
 * host), under a Content Security Policy that allows no network connections (`connect-src
 * 'none'`) and scripts only from blob: and data: URLs. Workers made from such URLs inherit both. The host
 * fetches Pyodide's runtime itself and hands the bytes in, so the frame never fetches anything.
 *
 * The frame's own script is small and trusted: it makes the worker, shares an interrupt buffer
 * with it (where the frame is cross-origin isolated), starts the gate that relays what the worker
 * sends (the page's calls go straight to the worker: frame-calls.ts), and obeys one command from
 * the host: `interrupt`. Terminating is removing the frame.
 *
 * The relay (a second worker in the frame, the gate) is where a message's cost is checked: a
 * browser deserializes a message on the receiving thread before anyone can look at it (about
 * 2 ms per MB), so a worker's message over `maxMessageChars` (more text than any honest answer
 * within the limits) or `MAX_MESSAGE_BYTES`, or one no honest worker sends (a Map, an Error, a
 * sparse array: relay-gate.ts), stops the worker on the gate's thread, and never reaches the page's.
 * One answer has a bound of its own: a saved state (`saveState`, packed by the worker), one
 * transferred buffer of at most `MAX_PAGE_STATE_BYTES`, let through only as the answer to a save
 * the page asked for.
 */
import { fetchAsset, loadOnce } from '../downloads/checked-fetch.js';
import { SIGINT } from '../../shared/protocol.js';
import { MAX_MESSAGE_BYTES, gateRefusal } from './relay-gate.js';
import { MAX_PAGE_STATE_BYTES } from '../../shared/memory/saved-state-format.js';
import { WORKER_ERROR } from './worker-error.js';
import { frameCalls } from './frame-calls.js';
import type { SpawnedWorker } from './spawned-worker.js';

/** Runs inside the frame. Kept small: everything it does is listed here. */
const FRAME_SCRIPT = `
const SIGINT = ${SIGINT};
const WORKER_ERROR = ${JSON.stringify(WORKER_ERROR)};
const MAX_MESSAGE_BYTES = ${MAX_MESSAGE_BYTES};
const MAX_STATE_BYTES = ${MAX_PAGE_STATE_BYTES};
/**
 * The gate: a worker of its own between the Python worker and the page, so that a message is
 * received, and measured, on a thread that is neither the page's nor Python's, whatever process
 * the engine gives the frame. It relays the worker's answers and events (and the page's events)
 * and stops at a message that would cost the page more than any honest answer, or that no honest
 * worker sends.
 */
function gate() {
  const refusal = ${gateRefusal.toString()};
  /** A message's ArrayBuffers, to pass on without a copy. */
  function buffersOf(data) {
    const buffers = [];
    const keep = (buffer) => { if (buffer instanceof ArrayBuffer && !buffers.includes(buffer)) buffers.push(buffer); };
    const stack = [data];
    while (stack.length > 0) {
      const value = stack.pop();
      if (value instanceof ArrayBuffer) keep(value);
      else if (ArrayBuffer.isView(value)) keep(value.buffer);
      else if (value && typeof value === 'object' && !(value instanceof Blob)) for (const key in value) stack.push(value[key]);
    }
    return buffers;
  }
  /**
   * A saved state's bytes (the answer to a saveState call the host made, comlink's { type: 'RAW',
   * value, id }: one buffer, transferred) are bounded by limits.maxStateBytes instead: the page
   * receives a transferred buffer without decoding it.
   */
  const saves = new Set();
  const savedState = (data) =>
    saves.delete(data && data.id) && data.type === 'RAW' && data.value instanceof Uint8Array && data.value.byteLength === data.value.buffer.byteLength;
  onmessage = (start) => {
    const { events, answers, limits } = start.data;
    const stateLimits = { maxMessageChars: limits.maxMessageChars, maxMessageBytes: limits.maxStateBytes };
    for (const [host, worker] of [events, answers]) {
      worker.onmessage = (e) => {
        const refused = refusal(e.data, savedState(e.data) ? stateLimits : limits);
        if (!refused) return host.postMessage(e.data, buffersOf(e.data));
        postMessage('it sent ' + refused + ' (no answer within its limits does); it was stopped as misbehaving');
        close();
      };
    }
    events[0].onmessage = (e) => events[1].postMessage(e.data, buffersOf(e.data));
    // Calls go straight to the worker (frame-calls.ts); the page only names a save it will ask for.
    answers[0].onmessage = (e) => {
      const call = e.data && e.data.expectState;
      if (typeof call !== 'string') return;
      saves.add(call);
      answers[0].postMessage({ stateNoted: call });
    };
  };
}
/** A worker from a blob: URL, or a data: URL (see launch). */
const workerUrl = (source, viaBlob) => viaBlob
  ? URL.createObjectURL(new Blob([source], { type: 'text/javascript' }))
  : 'data:text/javascript;charset=utf-8,' + encodeURIComponent(source);
addEventListener('message', function start(event) {
  if (event.source !== parent || !event.data || event.data.type !== 'start') return;
  removeEventListener('message', start);
  const { workerSource, calls, answers, events, control, maxMessageChars } = event.data;
  // Any failure here is told to the host at once: it would otherwise wait for its boot timeout.
  const fail = (error) => control.postMessage({ type: 'exit', reason: 'the sandbox frame could not start its worker: ' + ((error && error.message) || error) });
  /**
   * Starts the worker and waits for it to say its script loaded. WebKit refuses blob: workers on
   * a cross-origin isolated page (it wants a COEP header, which no blob: response carries); there
   * the worker is started again from a data: URL: the same opaque origin, CSP and
   * SharedArrayBuffer, but it can neither read a Blob nor import a blob: URL, so the host is told
   * and hands it bytes. Elsewhere blob: workers are kept: Blobs cross as handles, without a copy.
   * Classic workers: Chromium refuses module workers from blob: URLs of an opaque origin.
   */
  function launch(viaBlob) {
    const worker = new Worker(workerUrl(workerSource, viaBlob), { name: 'python-sandbox' });
    let loaded = false;
    worker.addEventListener('message', function first(e) {
      if (!e.data || e.data.type !== 'python-sandbox-worker-loaded') return;
      worker.removeEventListener('message', first);
      loaded = true;
      try { connect(worker, viaBlob); } catch (error) { worker.terminate(); fail(error); }
    });
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      if (loaded) return;
      worker.terminate();
      if (viaBlob && self.crossOriginIsolated) {
        try { launch(false); } catch (error) { fail(error); }
      } else fail(e.message || 'failed to start');
    });
  }
  function connect(worker, viaBlob) {
    const relay = new Worker(workerUrl('(' + gate + ')()', viaBlob), { name: 'python-sandbox-gate' });
    const exit = (reason, workerText) => { worker.terminate(); control.postMessage({ type: 'exit', reason, workerText }); };
    // Reported a moment later: the worker's last answers are still on their way through the gate.
    // In the library's words only: the error's text is the worker's, and Python writes it.
    worker.addEventListener('error', (e) => { e.preventDefault(); setTimeout(() => exit(WORKER_ERROR, String(e.message || '').slice(0, 500)), 100); });
    relay.addEventListener('error', (e) => { e.preventDefault(); exit('the sandbox gate failed: ' + (e.message || 'failed to start')); });
    relay.onmessage = (e) => exit(String(e.data));
    // An engine may report crossOriginIsolated and still have no SharedArrayBuffer (WebKitGTK).
    const buffer = self.crossOriginIsolated && typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(1) : undefined;
    const view = buffer && new Uint8Array(buffer);
    const toRpc = new MessageChannel();
    const toEvents = new MessageChannel();
    relay.postMessage({ events: [events, toEvents.port1], answers: [answers, toRpc.port1], limits: { maxMessageChars, maxMessageBytes: MAX_MESSAGE_BYTES, maxStateBytes: MAX_STATE_BYTES } }, [answers, toRpc.port1, events, toEvents.port1]);
    worker.postMessage({ type: 'init', rpc: toRpc.port2, calls, events: toEvents.port2, interruptBuffer: buffer }, [toRpc.port2, calls, toEvents.port2]);
    control.onmessage = (e) => { if (e.data === 'interrupt' && view) Atomics.store(view, 0, SIGINT); };
    control.postMessage({ type: 'started', interruptible: !!buffer, readsBlobs: viaBlob });
  }
  try { launch(true); } catch (error) { fail(error); }
});
parent.postMessage({ type: 'python-sandbox-frame-ready' }, '*');
`;

/** The frame's policy; `nonce` lets its one inline script run. */
const csp = (nonce: string) =>
  [
    "default-src 'none'",
    // The frame script (by nonce), the worker and Pyodide (blob: URLs, or data: URLs in WebKit), Pyodide's wasm and its use of eval.
    `script-src 'nonce-${nonce}' blob: data: 'unsafe-eval' 'wasm-unsafe-eval'`,
    'worker-src blob: data:',
    "connect-src 'none'",
  ].join('; ');

/**
 * A fresh nonce per frame. Not a hash of the script: hashing is asynchronous, on the critical
 * path of every start, and missing in insecure contexts. The srcdoc is wholly ours, so either
 * admits exactly the one script.
 */
function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/** The worker script's text, fetched once per URL by the trusted side. */
const workerSources = new Map<string, Promise<string>>();

function workerSource(url: URL): Promise<string> {
  return loadOnce(workerSources, url.href, async () => (await fetchAsset(url, 'workerUrl')).text());
}

/**
 * Starts the worker in a new sandboxed frame.
 * @param maxMessageChars The most text one message from the worker may carry (see the module comment).
 */
export async function spawnInFrame(url: URL, maxMessageChars: number): Promise<SpawnedWorker> {
  // The frame boots while the worker script is still being fetched.
  const source = workerSource(url);
  source.catch(() => undefined);
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', 'allow-scripts');
  // Lets the frame be cross-origin isolated (SharedArrayBuffer for interrupts) when the page is.
  frame.setAttribute('allow', 'cross-origin-isolated');
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
  const nonce = newNonce();
  frame.srcdoc = `<!doctype html><meta http-equiv="Content-Security-Policy" content="${csp(nonce)}"><script nonce="${nonce}">${FRAME_SCRIPT}</script>`;

  // Something else may remove the frame (a framework owning the DOM, an extension): that kills
  // the worker, and the session must hear of it at once, not at the next deadline.
  let exitListener: ((reason: string, workerText?: string) => void) | undefined;
  let exitReason: string | undefined;
  let exitText: string | undefined;
  let removed = false;
  let failStart: (error: Error) => void = () => {};
  const exit = (reason: string, workerText?: string) => {
    if (exitReason) return;
    exitReason = reason;
    exitText = workerText;
    failStart(new Error(reason));
    exitListener?.(reason, workerText);
  };
  const observer = new MutationObserver(() => {
    if (frame.isConnected || removed) return;
    observer.disconnect();
    exit('the sandbox frame was removed from the page');
  });
  observer.observe(document, { childList: true, subtree: true });

  const calls = new MessageChannel();
  const answers = new MessageChannel();
  const events = new MessageChannel();
  const control = new MessageChannel();
  // Known once the frame says it started its worker; until then interrupts are not relied on.
  let interruptible = false;
  let knowReadsBlobs: (reads: boolean) => void = () => {};
  const readsBlobs = new Promise<boolean>((resolve) => (knowReadsBlobs = resolve));
  control.port1.onmessage = (event: MessageEvent) => {
    const message = event.data as { type?: unknown; interruptible?: unknown; reason?: unknown; workerText?: unknown };
    if (message?.type === 'started') {
      interruptible = message.interruptible === true;
      knowReadsBlobs((message as { readsBlobs?: unknown }).readsBlobs !== false);
    } else if (message?.type === 'exit' && !removed)
      exit(String(message.reason).slice(0, 500), typeof message.workerText === 'string' ? message.workerText.slice(0, 500) : undefined);
  };
  // Resolves once the frame has its ports: calls posted from then on queue until the worker listens.
  const handedOver = new Promise<void>((resolve, reject) => {
    failStart = reject;
    const onReady = (event: MessageEvent) => {
      if (event.source !== frame.contentWindow || event.data?.type !== 'python-sandbox-frame-ready') return;
      window.removeEventListener('message', onReady);
      source.then((workerSource) => {
        // The frame's origin is opaque, so '*' is the only target origin that reaches it.
        const start = {
          type: 'start',
          workerSource,
          calls: calls.port2,
          answers: answers.port2,
          events: events.port2,
          control: control.port2,
          maxMessageChars,
        };
        frame.contentWindow?.postMessage(start, '*', [calls.port2, answers.port2, events.port2, control.port2]);
        resolve();
      }, reject);
    };
    window.addEventListener('message', onReady);
  });
  document.body.append(frame);
  try {
    await handedOver;
  } catch (error) {
    observer.disconnect();
    frame.remove();
    throw error;
  }

  return {
    rpc: frameCalls(calls.port1, answers.port1),
    events: events.port1,
    get interruptible() {
      return interruptible;
    },
    readsBlobs,
    interrupt: () => control.port1.postMessage('interrupt'),
    async terminate() {
      removed = true;
      observer.disconnect();
      frame.remove();
    },
    onExit(listener) {
      exitListener = listener;
      if (exitReason) listener(exitReason, exitText);
    },
    hold: () => () => {},
  };
}
