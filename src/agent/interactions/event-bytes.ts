/**
 * Bounds the bytes of one SSE event while the stream is read, before the SDK holds them: the SDK
 * (2.x and 3.x) grows one buffer for an event until its blank line, however large, then copies it,
 * decodes it to a string and parses it, which is several times the event's size at once.
 *
 * The chat reads through {@link boundedInteractions}, a view of the caller's `ai.interactions`
 * whose fetch hands the SDK a body that fails once one event passes
 * {@link INTERACTION_LIMITS}.maxEventBytes; the caller's client is not changed.
 */
import { InteractionError } from './errors.js';
import { INTERACTION_LIMITS } from './limits.js';
import type { InteractionsClient } from './types.js';

/** What the view needs of the SDK's `GeminiNextGenInteractions` (2.32 and 3.x): it builds its HTTP client from `parentClient.getFetch()`. */
interface SdkInteractions {
  parentClient?: { getFetch?: () => typeof fetch | undefined };
}

/**
 * `client` seen through a new object whose requests go through {@link boundEventBytes}. The client
 * as it is when it does not have the SDK's shape (then the bound applies after parsing only).
 */
export function boundedInteractions(client: InteractionsClient, maxEventBytes = INTERACTION_LIMITS.maxEventBytes): InteractionsClient {
  const parent = (client as SdkInteractions).parentClient;
  if (typeof parent !== 'object' || parent === null || typeof parent.getFetch !== 'function') return client;
  const bounded: typeof fetch = async (input, init) => {
    const response = await (parent.getFetch?.() ?? globalThis.fetch)(input, init);
    const type = response.headers.get('content-type') ?? '';
    if (!response.body || !type.startsWith('text/event-stream')) return response;
    const { status, statusText, headers } = response;
    return new Response(boundEventBytes(response.body, maxEventBytes), { status, statusText, headers });
  };
  const view = Object.create(parent, { getFetch: { value: () => bounded } });
  // `sdk` is where the SDK keeps the HTTP client it built: the view builds its own.
  return Object.create(client, { parentClient: { value: view }, sdk: { value: undefined, writable: true } });
}

const CR = 13;
const LF = 10;

/**
 * `body` as it is, failing with an {@link InteractionError} (reason `limit`) as soon as one event
 * (the bytes up to a blank line, line ends included) passes `maxBytes`. Line ends are CRLF, LF or
 * CR, as the SSE format has them and the SDK splits them.
 */
export function boundEventBytes(body: ReadableStream<Uint8Array>, maxBytes: number): ReadableStream<Uint8Array> {
  let eventBytes = 0;
  let lineBytes = 0;
  let afterCR = false;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        // Where the next CR and LF are (found once each, not per line: a chunk may hold thousands of lines).
        let cr = -1;
        let lf = -1;
        for (let at = 0; at < chunk.length; ) {
          if (cr < at) cr = indexOr(chunk, CR, at);
          if (lf < at) lf = indexOr(chunk, LF, at);
          // Runs without line ends are counted whole.
          const end = Math.min(cr, lf);
          const run = end - at;
          if (run > 0) {
            lineBytes += run;
            eventBytes += run;
            afterCR = false;
          }
          if (eventBytes > maxBytes) {
            controller.error(new InteractionError('limit', `The interaction stream sent an event of more than ${maxBytes} bytes; stopped reading it.`));
            return;
          }
          if (end === chunk.length) break;
          const byte = chunk[end];
          eventBytes++;
          // The LF of a CRLF ends no second line.
          if (!(afterCR && byte === LF)) {
            if (lineBytes === 0) eventBytes = 0;
            lineBytes = 0;
          }
          afterCR = byte === CR;
          at = end + 1;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

/** Where `byte` next is in `chunk` from `from`, or the chunk's length. */
function indexOr(chunk: Uint8Array, byte: number, from: number): number {
  const at = chunk.indexOf(byte, from);
  return at < 0 ? chunk.length : at;
}
