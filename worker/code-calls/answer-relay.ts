/**
 * A browser worker's way to wait for a call's answer with its thread blocked (no JSPI, but a
 * SharedArrayBuffer: WebKit on a cross-origin-isolated page). A blocked thread receives no
 * message, so a small helper thread (a nested worker, started with the engine, before any Python)
 * owns the events port: it writes the answer of the call being waited for into a shared buffer
 * and wakes the wait (`Atomics.notify`); every other message it passes on, both ways, over a
 * channel that the engine uses as its events port. The host's protocol and the frame's gate are
 * unchanged: they see the same port.
 */
import { FUNCTION_LIMITS } from '../../src/shared/function-limits.js';
import { type FunctionResult, type PortLike, functionAnswer } from '../../src/shared/protocol.js';
import type { BlockingReceiver } from './blocking-wait.js';

/** The buffer's header (Int32 slots), then the answer's text (UTF-16 code units). */
const STATE = 0;
const AWAITED = 1;
const CALL = 2;
const LENGTH = 3;
const HEADER_BYTES = 16;
const EMPTY = 0;
const WRITING = 1;
const FULL = 2;
/** The longest answer's text: the host's bound on a result, and room for an error's message. */
const CAPACITY = FUNCTION_LIMITS.maxResultChars + 4096;
/** Code units read per `String.fromCharCode` call (its arguments are spread on the stack). */
const CHUNK = 8192;

/**
 * The helper thread. It copies the awaited answer's text as the host wrote it (protocol.ts
 * `functionAnswer`): the first `capacity` code units, and its whole length, from which the
 * receiver tells an answer cut short.
 */
const HELPER_SOURCE = `
postMessage('ready');
onmessage = (start) => {
  const { events, inner, buffer, capacity } = start.data;
  const header = new Int32Array(buffer, 0, ${HEADER_BYTES / 4});
  const text = new Uint16Array(buffer, ${HEADER_BYTES}, capacity);
  const write = (d) => {
    const s = typeof d.answer === 'string' ? d.answer : '';
    const kept = Math.min(s.length, capacity);
    for (let i = 0; i < kept; i++) text[i] = s.charCodeAt(i);
    header[${CALL}] = d.callId;
    header[${LENGTH}] = s.length;
    Atomics.store(header, ${STATE}, ${FULL});
    Atomics.notify(header, ${STATE});
  };
  events.onmessage = (e) => {
    const d = e.data;
    if (d && d.type === 'function-result' && d.callId === Atomics.load(header, ${AWAITED})
      && Atomics.compareExchange(header, ${STATE}, ${EMPTY}, ${WRITING}) === ${EMPTY}) return write(d);
    const bytes = d && d.data instanceof Uint8Array && d.data.buffer instanceof ArrayBuffer ? [d.data.buffer] : [];
    inner.postMessage(d, bytes);
  };
  inner.onmessage = (e) => events.postMessage(e.data);
};`;

/** How long the helper may take to start before the engine goes on without it. */
const READY_TIMEOUT_MS = 5000;

/**
 * Starts the helper and, once it runs, hands it `events`: the engine's events port from now on
 * and the receiver, or undefined where a nested worker does not start (the port stays the engine's).
 */
export async function startAnswerRelay(events: PortLike): Promise<{ events: PortLike; receiver: BlockingReceiver } | undefined> {
  let helper: Worker;
  try {
    // A data: URL: WebKit refuses blob: workers on a cross-origin-isolated page (see isolation-frame.ts).
    helper = new Worker(`data:text/javascript;charset=utf-8,${encodeURIComponent(HELPER_SOURCE)}`, { name: 'python-sandbox-answers' });
  } catch {
    return undefined;
  }
  const started = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
    helper.onmessage = () => resolve(true);
    helper.onerror = (event) => {
      event.preventDefault();
      resolve(false);
    };
    helper.addEventListener('message', () => clearTimeout(timer));
  });
  if (!started) {
    helper.terminate();
    return undefined;
  }
  const buffer = new SharedArrayBuffer(HEADER_BYTES + CAPACITY * 2);
  const header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  const text = new Uint16Array(buffer, HEADER_BYTES, CAPACITY);
  const inner = new MessageChannel();
  helper.postMessage({ events, inner: inner.port2, buffer, capacity: CAPACITY }, [events as unknown as Transferable, inner.port2]);
  const receiver: BlockingReceiver = {
    expect(callId) {
      // An answer that raced the end of an earlier wait (a stop) may still be being written: let it finish, then drop it.
      while (Atomics.load(header, STATE) === WRITING);
      Atomics.store(header, STATE, EMPTY);
      Atomics.store(header, AWAITED, callId);
    },
    receive() {
      if (Atomics.load(header, STATE) !== FULL) return undefined;
      const length = header[LENGTH];
      const kept = Math.min(length, CAPACITY);
      let answer = '';
      for (let i = 0; i < kept; i += CHUNK) answer += String.fromCharCode(...text.subarray(i, Math.min(kept, i + CHUNK)));
      // Too long for the buffer: a handler's huge error is cut; a result past the host's own bound says so.
      if (length > CAPACITY && !functionAnswer.isError(answer))
        answer = functionAnswer.error(`its answer (${length - 1} characters) is larger than a call waiting in place takes`);
      const message: FunctionResult = { type: 'function-result', callId: header[CALL], answer };
      Atomics.store(header, STATE, EMPTY);
      return { message };
    },
    sleep: (ms) => void Atomics.wait(header, STATE, EMPTY, ms),
    done: () => Atomics.store(header, AWAITED, 0),
  };
  return { events: inner.port1 as unknown as PortLike, receiver };
}
