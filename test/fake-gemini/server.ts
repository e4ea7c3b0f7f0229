/**
 * A fake Gemini API on localhost that speaks the real REST wire format:
 * `POST /{version}/models/{model}:generateContent` (one JSON body) and
 * `POST /{version}/models/{model}:streamGenerateContent?alt=sse` (SSE, each `data:` event a complete
 * GenerateContentResponse), for both API versions (`v1beta`; `v1`, the default of SDK 3.x), with
 * the version recorded on each request. Point the real `@google/genai` client at `baseUrl`.
 *
 * It answers from a script: each request takes the next {@link ScriptedTurn}. Before that it checks
 * the request as the real service does (API key, roles, thought signatures sent back verbatim,
 * function responses matching their calls) and answers 400 INVALID_ARGUMENT when it would.
 * Every request is recorded; every rejection is listed in `failures`.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type IssuedSignatures, validateRequest } from './validate.js';
import type { Part, RecordedRequest, WireRequest, WireResponse } from './wire.js';
import { cutMidBody, delay, json, readBody } from '../support/http-replies.js';

/** How the fake model answers one request. */
export type Reply =
  /** A response: the JSON body, or a single SSE event when the client streams. */
  | { response: WireResponse }
  /**
   * SSE events (streaming requests only). `cutAfter`: drop the connection after that many events.
   * `beforeChunk`: awaited before each event after the first (lets a test prove delivery is incremental).
   */
  | { chunks: WireResponse[]; cutAfter?: number; delayMs?: number; beforeChunk?: (index: number) => Promise<void> }
  /** An HTTP error with the API's error body. */
  | { error: { code: number; status: string; message: string } }
  /**
   * A body sent byte for byte, as recorded from the live API (`../shared/eval/recorded-gemini`):
   * SSE framing, JSON spacing, an error on the streaming endpoint sent as plain JSON with an
   * event-stream content type. Its signatures are remembered as issued.
   */
  | { raw: { status: number; contentType: string; body: string; events?: WireResponse[] } }
  /** Never answers (until the client goes away): for aborts. */
  | { hang: true };

export interface ScriptedTurn {
  /** Extra checks on the request; a throw is answered with 400 and recorded in `failures`. */
  expect?: (request: RecordedRequest) => void;
  /** The reply, or a function of the request (e.g. to echo the output the code produced). */
  reply: Reply | ((request: RecordedRequest) => Reply);
}

export interface FakeGeminiOptions {
  /** Sign the first function call of every model turn that has none (as Gemini 2.5+/3 do). Default true. */
  signFunctionCalls?: boolean;
}

export class FakeGemini {
  /** Every request received, in order (including rejected ones). */
  readonly requests: RecordedRequest[] = [];
  /** Why requests were rejected (protocol violations, failed `expect`s, script exhausted). */
  readonly failures: string[] = [];
  private turns: ScriptedTurn[] = [];
  private readonly issued = new Map<string, Part>();
  private signatureSeq = 0;
  private readonly open = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    private readonly options: Required<FakeGeminiOptions>,
  ) {}

  static async start(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
    const server = createServer();
    const fake = new FakeGemini(server, { signFunctionCalls: options.signFunctionCalls ?? true });
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The `httpOptions.baseUrl` for the SDK. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Sets the turns to answer with, in order (replacing what is left of the previous script). */
  script(turns: ScriptedTurn[]): this {
    this.turns = [...turns];
    return this;
  }

  /** Forgets recorded requests, failures and the script (issued signatures stay valid). */
  reset(): this {
    this.requests.length = 0;
    this.failures.length = 0;
    this.turns = [];
    return this;
  }

  /** Scripted turns not yet used. */
  get remaining(): number {
    return this.turns.length;
  }

  /** The thought signatures handed out so far, each with the part it was on. */
  get signatures(): IssuedSignatures {
    return this.issued;
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/(v1|v1beta)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) return this.fail(res, 404, 'NOT_FOUND', `fake-gemini: no route for ${req.method} ${url.pathname}`);
    let body: WireRequest;
    try {
      body = JSON.parse(await readBody(req)) as WireRequest;
    } catch {
      return this.fail(res, 400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    const stream = match[3] === 'streamGenerateContent';
    const request: RecordedRequest = {
      apiVersion: match[1] as RecordedRequest['apiVersion'],
      model: decodeURIComponent(match[2]),
      stream,
      url: url.pathname + url.search,
      headers: req.headers,
      body,
    };
    this.requests.push(request);

    if (!req.headers['x-goog-api-key'])
      return this.fail(
        res,
        403,
        'PERMISSION_DENIED',
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    if (stream && url.searchParams.get('alt') !== 'sse') return this.fail(res, 400, 'INVALID_ARGUMENT', 'fake-gemini: streaming requests must use alt=sse');
    const invalid = validateRequest(request, this.issued);
    if (invalid) return this.fail(res, 400, 'INVALID_ARGUMENT', invalid);
    const turn = this.turns.shift();
    if (!turn) return this.fail(res, 400, 'FAILED_PRECONDITION', `fake-gemini: no scripted turn left for request #${this.requests.length}`);
    try {
      turn.expect?.(request);
    } catch (error) {
      return this.fail(res, 400, 'INVALID_ARGUMENT', `fake-gemini expectation failed: ${(error as Error).message}`);
    }
    let reply: Reply;
    try {
      reply = typeof turn.reply === 'function' ? turn.reply(request) : turn.reply;
    } catch (error) {
      return this.fail(res, 400, 'INVALID_ARGUMENT', `fake-gemini reply failed: ${(error as Error).message}`);
    }
    await this.send(res, reply, stream);
  }

  private async send(res: ServerResponse, reply: Reply, stream: boolean): Promise<void> {
    if ('hang' in reply) return;
    if ('raw' in reply) {
      for (const event of reply.raw.events ?? []) this.sign(event);
      res.writeHead(reply.raw.status, { 'content-type': reply.raw.contentType });
      res.end(reply.raw.body);
      return;
    }
    if ('error' in reply) return this.fail(res, reply.error.code, reply.error.status, reply.error.message, false);
    if ('response' in reply) {
      const response = this.sign(reply.response);
      if (!stream) return json(res, 200, response);
      return this.sendEvents(res, [response]);
    }
    if (!stream) return this.fail(res, 400, 'FAILED_PRECONDITION', 'fake-gemini: this turn is scripted as a stream, but the client did not stream');
    await this.sendEvents(
      res,
      reply.chunks.map((chunk) => this.sign(chunk)),
      reply,
    );
  }

  private async sendEvents(
    res: ServerResponse,
    events: WireResponse[],
    options: { cutAfter?: number; delayMs?: number; beforeChunk?: (index: number) => Promise<void> } = {},
  ): Promise<void> {
    const { cutAfter, delayMs = 0, beforeChunk } = options;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const [index, event] of events.entries()) {
      if (cutAfter !== undefined && index >= cutAfter) {
        // A dropped connection mid-body: the client's read fails ("terminated").
        await cutMidBody(res);
        return;
      }
      if (index > 0 && delayMs > 0) await delay(delayMs);
      if (index > 0) await beforeChunk?.(index);
      if (res.destroyed) return;
      res.write(`data: ${JSON.stringify(event)}\r\n\r\n`);
    }
    res.end();
  }

  /** Signs the first function call of each candidate (if unsigned, and `signFunctionCalls`) and remembers every signed part. */
  private sign(response: WireResponse): WireResponse {
    const copy = structuredClone(response);
    for (const candidate of copy.candidates ?? []) {
      const parts = candidate.content?.parts ?? [];
      const firstCall = parts.find((part) => part.functionCall);
      if (firstCall && !firstCall.thoughtSignature && this.options.signFunctionCalls) firstCall.thoughtSignature = this.newSignature();
      for (const part of parts) if (part.thoughtSignature) this.issued.set(part.thoughtSignature, structuredClone(part));
    }
    return copy;
  }

  /** An opaque base64 signature, unique per server. */
  newSignature(): string {
    return Buffer.from(`fake-thought-signature-${++this.signatureSeq}`).toString('base64');
  }

  private fail(res: ServerResponse, code: number, status: string, message: string, record = true): void {
    if (record) this.failures.push(`${code} ${status}: ${message}`);
    json(res, code, { error: { code, message, status } });
  }
}
