/**
 * A `fetch` for the MCP SDK's Streamable HTTP client transport that bounds what a server's message
 * may take before anything parses it. The SDK reads a JSON answer whole (`response.json()`) and an
 * SSE line or event without end; a server that answers with 200 MB, or streams one endless line,
 * would fill the page or the process before `mcpFunctions` could refuse the result. Here every
 * response body passes through a byte count on its way to the SDK:
 *
 * - a JSON (or any other non-SSE) body is held until it ends (the SDK reads it whole anyway); past
 *   the bound it is dropped, the rest never read (the connection is cancelled), and the body
 *   becomes a JSON-RPC error for each request of the POST saying why (an error of the stream, when
 *   there is no request to answer);
 * - an SSE stream is bounded per event (its lines up to the blank line that ends it): past the
 *   bound the event is dropped, each request of the POST gets a JSON-RPC error saying why, and the
 *   stream ends. The server's streams are then dropped for good: later GETs (the standalone
 *   stream, or a resumption) are answered 405 here, as a server without the stream answers, so the
 *   SDK does not open them again.
 *
 * Nothing here loads the SDK: a page hands the function to the transport it builds itself.
 */
import { MAX_RESULT_CHARS } from './results.js';

/**
 * The most bytes one message of a server may have: four times the characters a result may carry
 * (4 MiB), room for JSON's escapes, UTF-8 and the blocks' own fields around them.
 */
export const MAX_MESSAGE_BYTES = 4 * MAX_RESULT_CHARS;

/** The `fetch` the SDK's transports take (their `FetchLike`). */
export type McpFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** Options of {@link boundedMcpFetch}. */
export interface BoundedMcpFetchOptions {
  /** The most bytes of one message: a JSON body, or one SSE event (default 4 MiB, four times the 1 MiB a result may carry). */
  maxMessageBytes?: number;
  /** The `fetch` underneath (default: the global one, looked up at each call). */
  fetch?: McpFetch;
  /** Told of each refusal, with the error the request gets (e.g. to log it, or to close the client). */
  onRefused?: (error: Error) => void;
}

/** Statuses whose responses cannot carry a body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const LF = 0x0a;
const CR = 0x0d;
/** The JSON-RPC error code of a refused response (the range the spec leaves to implementations; the SDK's "connection closed" too). */
const REFUSED_CODE = -32000;

/**
 * A `fetch` whose responses are bounded per message, for the transport's `fetch` option. One per
 * transport: once a server's stream is dropped, later GETs of this function are answered 405.
 * @param options The bound, the `fetch` underneath, a callback for refusals.
 * @returns The function to give `new StreamableHTTPClientTransport(url, { fetch })`.
 * @throws {RangeError} `maxMessageBytes` is not a positive integer.
 * @example
 * ```ts
 * import { Client } from '@modelcontextprotocol/sdk/client/index.js';
 * import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
 * import { boundedMcpFetch, mcpFunctions } from 'pyodide-code-execution/sandbox';
 *
 * const client = new Client({ name: 'my-page', version: '1.0.0' });
 * await client.connect(new StreamableHTTPClientTransport(new URL('https://mcp.example.com/mcp'), { fetch: boundedMcpFetch() }));
 * const functions = await mcpFunctions(client);
 * ```
 */
export function boundedMcpFetch(options: BoundedMcpFetchOptions = {}): McpFetch {
  const max = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`boundedMcpFetch: maxMessageBytes must be a positive integer; got ${max}`);
  const underneath: McpFetch = options.fetch ?? ((url, init) => fetch(url, init));
  let streamsDropped = false;
  return async (url, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    if (method === 'GET' && streamsDropped) return new Response(null, { status: 405, statusText: 'Stream dropped: a message was over the bound' });
    const response = await underneath(url, init);
    if (!response.body || response.status < 200 || NULL_BODY_STATUSES.has(response.status)) return response;
    const refusal = (): Error => {
      const error = new Error(refusalText(max));
      options.onRefused?.(error);
      return error;
    };
    const eventStream = mediaType(response.headers.get('content-type')) === 'text/event-stream';
    // A server's stream that broke the bound once is not opened again (GET), nor resumed (an SSE answer's Last-Event-ID).
    const dropStreams = () => {
      if (eventStream || method === 'GET') streamsDropped = true;
    };
    const ids = requestIds(init?.body);
    const body = response.body.pipeThrough(
      eventStream
        ? eventsWithin(max, () => {
            dropStreams();
            return refusalEvents(ids, refusal().message);
          })
        : bodyWithin(max, () => {
            dropStreams();
            const error = refusal();
            return ids.length > 0 ? refusalBody(ids, error.message) : error;
          }),
    );
    const bounded = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    // The SDK names the answering URL in errors (redirects).
    Object.defineProperty(bounded, 'url', { value: response.url });
    return bounded;
  };
}

/** What a refused request is told. */
export function refusalText(max: number): string {
  return `the MCP server's message was over ${max.toLocaleString('en-US')} bytes, the most one message may have, so it was not read; ask it for less per call`;
}

/**
 * A body held until it ends (the SDK reads a JSON body whole anyway), then passed on; once more than
 * `max` bytes came, what was held is dropped, the rest cancelled, and `refused()` answers instead:
 * a JSON-RPC error for the requests (a browser's `response.json()` rejects with its own words, not a
 * stream's error), or the error itself when there was no request to answer.
 */
function bodyWithin(max: number, refused: () => string | Error): TransformStream<Uint8Array, Uint8Array> {
  let held: Uint8Array[] = [];
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen <= max) {
        held.push(chunk);
        return;
      }
      held = [];
      const answer = refused();
      if (answer instanceof Error) {
        controller.error(answer);
      } else {
        controller.enqueue(new TextEncoder().encode(answer));
        controller.terminate();
      }
    },
    flush(controller) {
      for (const chunk of held) controller.enqueue(chunk);
    },
  });
}

/**
 * An SSE stream whose every event stays within `max` bytes: at the first that does not, what came
 * before it goes on, then `tail()` (which ends the event unread and answers the requests), and the
 * stream ends, cancelling the rest.
 */
function eventsWithin(max: number, tail: () => string): TransformStream<Uint8Array, Uint8Array> {
  const events = new EventSizes(max);
  return new TransformStream({
    transform(chunk, controller) {
      const kept = events.within(chunk);
      if (kept === chunk.length) {
        controller.enqueue(chunk);
        return;
      }
      if (kept > 0) controller.enqueue(chunk.subarray(0, kept));
      // A line break ends the cut line; the event, typed `dropped`, is skipped by the SDK (it reads `message` events only).
      controller.enqueue(new TextEncoder().encode(`\nevent: dropped\n\n${tail()}`));
      controller.terminate();
    },
  });
}

/**
 * Counts the bytes of the current SSE event across chunks: its lines and their breaks (`\n`,
 * `\r`, `\r\n`), back to zero at the blank line that ends it.
 */
class EventSizes {
  private bytes = 0;
  private lineEmpty = true;
  private afterCr = false;

  constructor(private readonly max: number) {}

  /** How many of `chunk`'s bytes keep the event within the bound: all of them, or where the line that breaks it starts. */
  within(chunk: Uint8Array): number {
    const end = chunk.length;
    // The next line feed and carriage return at or after `at` (-1: none left), searched again only once passed.
    let lf = -2;
    let cr = -2;
    for (let at = 0; at < end; ) {
      if (this.afterCr) {
        this.afterCr = false;
        if (chunk[at] === LF) {
          at++;
          continue;
        }
      }
      if (lf !== -1 && lf < at) lf = chunk.indexOf(LF, at);
      if (cr !== -1 && cr < at) cr = chunk.indexOf(CR, at);
      const lineEnd = Math.min(lf === -1 ? end : lf, cr === -1 ? end : cr);
      if (lineEnd > at) {
        this.lineEmpty = false;
        this.bytes += lineEnd - at;
        if (this.bytes > this.max) return at;
      }
      if (lineEnd === end) break;
      if (this.lineEmpty) this.bytes = 0;
      else this.bytes += 1;
      this.lineEmpty = true;
      this.afterCr = chunk[lineEnd] === CR;
      at = lineEnd + 1;
    }
    return end;
  }
}

/** The JSON-RPC error answering request `id` with `message`. */
function refusalOf(id: string | number, message: string) {
  return { jsonrpc: '2.0', id, error: { code: REFUSED_CODE, message } };
}

/** One SSE event per request id, each its JSON-RPC error. */
function refusalEvents(ids: (string | number)[], message: string): string {
  return ids.map((id) => `data: ${JSON.stringify(refusalOf(id, message))}\n\n`).join('');
}

/** A JSON body answering the requests `ids` with their errors (one message, or a batch for several). */
function refusalBody(ids: (string | number)[], message: string): string {
  const errors = ids.map((id) => refusalOf(id, message));
  return JSON.stringify(errors.length === 1 ? errors[0] : errors);
}

/** The ids of the requests in a POST's JSON body (one message or a batch); none for anything else. */
function requestIds(body: unknown): (string | number)[] {
  if (typeof body !== 'string') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  return (Array.isArray(parsed) ? parsed : [parsed])
    .filter((message): message is { id: string | number } => {
      const { id, method } = (message ?? {}) as { id?: unknown; method?: unknown };
      return typeof method === 'string' && (typeof id === 'string' || typeof id === 'number');
    })
    .map((message) => message.id);
}

function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}
