/**
 * Guards a Live connection against frames its own SDK cannot survive. `@google/genai` (2.x and
 * 3.x) parses every frame with `JSON.parse` inside an async handler it calls with `void`: a frame
 * that is not JSON (or binary garbage) becomes an unhandled rejection, which ends a Node process.
 * So {@link connectLiveCodeExecution} dials through {@link guardedLive}: the SDK's `onmessage`
 * only ever sees frames that are text (or bytes that decode as UTF-8), within
 * {@link MAX_LIVE_MESSAGE_BYTES}, nested at most {@link MAX_LIVE_MESSAGE_DEPTH} deep, and parse as a
 * JSON object. Anything else is dropped and reported to the session, which emits an `error` event
 * (and answers the calls of a message too deep to read with an error).
 */
import { isObject } from '../../common/json-object.js';
import { jsonTextTooDeep } from './json-size.js';
import { utf8Bytes } from './utf8.js';

/**
 * Most bytes of one Live message (a UTF-8 frame). Real ones are audio chunks and calls of a few
 * KB; an image a server-side code run made is well under it.
 */
export const MAX_LIVE_MESSAGE_BYTES = 16 * 1024 * 1024;
/**
 * Deepest nesting of objects and arrays in one Live message. A real message nests about 6 levels
 * plus its call arguments; V8's `structuredClone` and `JSON.stringify` overflow the stack at a few
 * thousand.
 */
export const MAX_LIVE_MESSAGE_DEPTH = 100;

/** A frame the guard dropped before the SDK saw it. */
export interface DroppedFrame {
  /** What was dropped and why, e.g. "A Live message was not JSON and was dropped". */
  reason: string;
  /** `toolCall.functionCalls` of a message that parsed but was too deep to read: they get an error response. */
  calls?: unknown;
}

/** What one dial reports besides the SDK's callbacks. */
export interface DialHooks {
  /** A frame was dropped. */
  dropped(frame: DroppedFrame): void;
  /** The SDK made the dial's socket: `close` closes it (until the setup is answered, the SDK offers no other way). */
  socket(close: () => void): void;
}

type MessageListener = (event: { data?: unknown }) => void;

interface SocketFactory {
  create(url: string, headers: Record<string, string>, callbacks: { onmessage?: MessageListener }): { close(): void };
}

/**
 * `live` (a client's `ai.live`) seen through a new object whose socket factory guards the frames
 * of every socket it makes; the caller's client is not changed. Undefined when `live` does not
 * have the SDK's shape (a `webSocketFactory` with `create`): connect through `live` as it is then.
 */
export function guardedLive<T extends object>(live: T, hooks: DialHooks): T | undefined {
  const factory = (live as { webSocketFactory?: SocketFactory }).webSocketFactory;
  if (typeof factory !== 'object' || factory === null || typeof factory.create !== 'function') return undefined;
  const guarded: SocketFactory = Object.create(factory);
  guarded.create = (url, headers, callbacks) => {
    const onmessage = callbacks.onmessage;
    const socket = factory.create(url, headers, { ...callbacks, ...(onmessage && { onmessage: guardFrames(onmessage, hooks.dropped) }) });
    hooks.socket(() => socket.close());
    return socket;
  };
  return Object.create(live, { webSocketFactory: { value: guarded } });
}

/** `deliver` for frames that pass {@link checkFrame}; the rest to `dropped`. Frames keep their order. */
function guardFrames(deliver: MessageListener, dropped: (frame: DroppedFrame) => void): MessageListener {
  let chain = Promise.resolve();
  let waiting = 0;
  const pass = (data: unknown) => {
    const checked = checkFrame(data);
    if (typeof checked === 'string') deliver({ data: checked });
    else dropped(checked);
  };
  return (event) => {
    const data = event?.data;
    if (!isBlob(data) && waiting === 0) return pass(data);
    // A Blob (a browser's binary frame) is read asynchronously: frames after it wait their turn.
    waiting++;
    chain = chain
      .then(async () => {
        if (!isBlob(data)) return pass(data);
        // Its size is known up front: an oversized one is not read at all.
        if (data.size > MAX_LIVE_MESSAGE_BYTES) return dropped(tooBig(data.size));
        pass(new Uint8Array(await data.arrayBuffer()));
      })
      .catch((error: unknown) => dropped({ reason: `A Live message could not be read and was dropped: ${String(error)}` }))
      .finally(() => waiting--);
  };
}

/** The frame's JSON text, or why it is dropped. */
export function checkFrame(data: unknown): string | DroppedFrame {
  let text: string;
  if (typeof data === 'string') {
    text = data;
    const bytes = text.length * 3 > MAX_LIVE_MESSAGE_BYTES ? utf8Bytes(text) : 0;
    if (bytes > MAX_LIVE_MESSAGE_BYTES) return tooBig(bytes);
  } else {
    const bytes = asBytes(data);
    if (!bytes) return { reason: 'A Live message was neither text nor bytes and was dropped' };
    if (bytes.byteLength > MAX_LIVE_MESSAGE_BYTES) return tooBig(bytes.byteLength);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return { reason: 'A Live message was binary and not UTF-8 text, and was dropped' };
    }
  }
  if (jsonTextTooDeep(text, MAX_LIVE_MESSAGE_DEPTH)) {
    // V8 parses any depth; only the calls are read from it, so that they can be answered.
    const reason = `A Live message nested deeper than ${MAX_LIVE_MESSAGE_DEPTH} levels was dropped`;
    const parsed = parse(text);
    const toolCall = isObject(parsed) ? parsed.toolCall : undefined;
    const calls = isObject(toolCall) ? toolCall.functionCalls : undefined;
    return calls === undefined ? { reason } : { reason, calls };
  }
  const message = parse(text);
  if (message === undefined) return { reason: 'A Live message was not JSON and was dropped' };
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return { reason: 'A Live message was JSON but not an object and was dropped' };
  return text;
}

function tooBig(bytes: number): DroppedFrame {
  return { reason: `A Live message of ${bytes} bytes (more than ${MAX_LIVE_MESSAGE_BYTES}) was dropped` };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function asBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

function isBlob(data: unknown): data is Blob {
  return typeof Blob !== 'undefined' && data instanceof Blob;
}
