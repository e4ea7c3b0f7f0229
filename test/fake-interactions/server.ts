/**
 * A fake Interactions API on localhost that speaks what `@google/genai` sends and reads:
 * `POST /{version}/interactions` answered with one JSON `Interaction` or, for `stream: true`, a
 * `text/event-stream` of `interaction.created`, `interaction.status_update`,
 * `step.start`/`step.delta`/`step.stop` and `interaction.completed` events; and
 * `GET /{version}/interactions/{id}?stream=true&last_event_id=…`, which replays a stored
 * interaction's events after that id. Point the real SDK client at `baseUrl`.
 *
 * It answers from a script: each create request takes the next {@link ScriptedTurn}, after the
 * checks the real service makes (validate.ts). With `store` (the API's default) it keeps each
 * interaction, continues from `previous_interaction_id` and refuses that after built-in tool
 * steps with 501 (js-genai#1694). Every request is recorded; every refusal is listed in `failures`.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventsFor } from './scenarios.js';
import { validateCreate } from './validate.js';
import type { CreateBody, RecordedRequest, ScriptedInteraction, Step } from './wire.js';
import { cutMidBody, json, readBody } from '../support/http-replies.js';

/** How the fake model answers one create request. */
export type Reply =
  /** An interaction: the JSON body, or its events when the client streams. `cutAfter`: drop the connection after that many events. */
  | { interaction: ScriptedInteraction; cutAfter?: number; eventIds?: boolean }
  /**
   * Events sent as they are (streaming requests only), for protocol violations. `stallAfter`: after
   * that many events, send the start of the next one and then nothing (until the client goes away).
   */
  | { events: unknown[]; cutAfter?: number; stallAfter?: number; status?: ScriptedInteraction }
  /** A body sent byte for byte (a recording). */
  | { raw: { status: number; contentType: string; body: string } }
  /** An HTTP error with the API's error body. */
  | { error: { code: number; status: string; message: string } }
  /** Never answers (until the client goes away): for aborts. */
  | { hang: true };

export interface ScriptedTurn {
  /** Extra checks on the request; a throw is answered with 400 and recorded in `failures`. */
  expect?: (request: RecordedRequest) => void;
  reply: Reply | ((request: RecordedRequest) => Reply);
}

export interface FakeInteractionsOptions {
  /** Models that refuse code execution beside function tools with the real 400 (default: the two the issue threads name). */
  toolMixModels?: RegExp;
  /**
   * Answers browsers' cross-origin requests (preflight, CORS and CORP headers), so a page can
   * stream from the fake directly: a routed request is read whole, so it cannot be cut mid-stream.
   */
  cors?: boolean;
}

interface StoredInteraction {
  /** The chain's steps: what it continued from, its input and its output. */
  steps: Step[];
  events: Array<Record<string, unknown>>;
  hasBuiltInToolSteps: boolean;
}

export class FakeInteractions {
  readonly requests: RecordedRequest[] = [];
  readonly failures: string[] = [];
  private turns: ScriptedTurn[] = [];
  private readonly stored = new Map<string, StoredInteraction>();
  private readonly issued = new Set<string>();
  private readonly open = new Set<ServerResponse>();
  private seq = 0;

  private constructor(
    private readonly server: Server,
    private readonly options: Required<FakeInteractionsOptions>,
  ) {}

  static async start(options: FakeInteractionsOptions = {}): Promise<FakeInteractions> {
    const server = createServer();
    const fake = new FakeInteractions(server, {
      toolMixModels: options.toolMixModels ?? /^gemini-3\.6-flash|^gemini-3\.5-flash-lite/,
      cors: options.cors ?? false,
    });
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The `httpOptions.baseUrl` for the SDK. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  script(turns: ScriptedTurn[]): this {
    this.turns = [...turns];
    return this;
  }

  /** Forgets requests, failures, the script and stored interactions (issued signatures stay valid). */
  reset(): this {
    this.requests.length = 0;
    this.failures.length = 0;
    this.turns = [];
    this.stored.clear();
    return this;
  }

  /** Responses still open (a client that closed its connection has none). */
  get openResponses(): number {
    return this.open.size;
  }

  get remaining(): number {
    return this.turns.length;
  }

  /** A new opaque signature the fake will accept back. */
  newSignature(): string {
    const signature = Buffer.from(`fake-interactions-signature-${++this.seq}`).toString('base64');
    this.issued.add(signature);
    return signature;
  }

  /** Accepts a signature that came from elsewhere (a recording). */
  acceptSignature(signature: string): void {
    this.issued.add(signature);
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    if (this.options.cors) {
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('cross-origin-resource-policy', 'cross-origin');
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { 'access-control-allow-headers': '*', 'access-control-allow-methods': 'GET, POST' });
        res.end();
        return;
      }
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const create = /^\/(v1|v1beta|v1alpha)\/interactions$/.exec(url.pathname);
    const get = /^\/(v1|v1beta|v1alpha)\/interactions\/([^/]+)$/.exec(url.pathname);
    if (!req.headers['x-goog-api-key'])
      return this.fail(
        res,
        403,
        'PERMISSION_DENIED',
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    if (req.method === 'GET' && get) return this.resume(req, res, url, get[1], decodeURIComponent(get[2]));
    if (req.method !== 'POST' || !create) return this.fail(res, 404, 'NOT_FOUND', `fake-interactions: no route for ${req.method} ${url.pathname}`);
    let body: CreateBody;
    try {
      body = JSON.parse(await readBody(req)) as CreateBody;
    } catch {
      return this.fail(res, 400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    const request: RecordedRequest = {
      method: 'POST',
      apiVersion: create[1],
      stream: body.stream === true,
      url: url.pathname + url.search,
      headers: req.headers,
      body,
    };
    this.requests.push(request);

    const previous = body.previous_interaction_id ? this.stored.get(body.previous_interaction_id) : undefined;
    if (body.previous_interaction_id && !previous) return this.fail(res, 404, 'NOT_FOUND', `Interaction ${body.previous_interaction_id} not found.`);
    if (previous?.hasBuiltInToolSteps)
      return this.fail(res, 501, 'NOT_IMPLEMENTED', 'Continuing an interaction whose steps hold built-in tool steps is not implemented.');
    const refusal = validateCreate(body, { stored: previous?.steps ?? [], issued: this.issued, toolMixModels: this.options.toolMixModels });
    if (refusal) return this.fail(res, refusal.code, refusal.status, refusal.message);
    const turn = this.turns.shift();
    if (!turn) return this.fail(res, 400, 'FAILED_PRECONDITION', `fake-interactions: no scripted turn left for request #${this.requests.length}`);
    let reply: Reply;
    try {
      turn.expect?.(request);
      reply = typeof turn.reply === 'function' ? turn.reply(request) : turn.reply;
    } catch (error) {
      return this.fail(res, 400, 'INVALID_ARGUMENT', `fake-interactions expectation failed: ${(error as Error).message}`);
    }
    await this.send(res, reply, body, previous);
  }

  private async send(res: ServerResponse, reply: Reply, body: CreateBody, previous: StoredInteraction | undefined): Promise<void> {
    if ('hang' in reply) return;
    if ('raw' in reply) {
      res.writeHead(reply.raw.status, { 'content-type': reply.raw.contentType });
      res.end(reply.raw.body);
      return;
    }
    if ('error' in reply) return this.fail(res, reply.error.code, reply.error.status, reply.error.message, false);
    const store = body.store !== false;
    if ('events' in reply) {
      if (!body.stream) return this.fail(res, 400, 'FAILED_PRECONDITION', 'fake-interactions: this turn is scripted as events, but the client did not stream');
      return this.sendEvents(res, reply.events as Array<Record<string, unknown>>, reply.cutAfter, reply.stallAfter);
    }
    const id = store ? `v1_fake-${++this.seq}` : '';
    for (const step of reply.interaction.steps) {
      const signature = (step as { signature?: string }).signature;
      if (signature) this.issued.add(signature);
    }
    const events = eventsFor(id, body.model ?? '', reply.interaction, { eventIds: reply.eventIds ?? store });
    if (store) {
      const input = Array.isArray(body.input) ? body.input : [];
      const steps = [...(previous?.steps ?? []), ...input, ...reply.interaction.steps];
      this.stored.set(id, { steps, events, hasBuiltInToolSteps: steps.some((step) => /^(code_execution|google_search|url_context)_/.test(step.type)) });
    }
    if (!body.stream)
      return json(res, 200, {
        id,
        status: reply.interaction.status,
        model: body.model,
        object: 'interaction',
        steps: reply.interaction.steps,
        ...(reply.interaction.usage && { usage: reply.interaction.usage }),
      });
    return this.sendEvents(res, events, reply.cutAfter);
  }

  /** `GET /interactions/{id}`: the stored interaction, or its events after `last_event_id`. */
  private async resume(req: IncomingMessage, res: ServerResponse, url: URL, apiVersion: string, id: string): Promise<void> {
    const stream = url.searchParams.get('stream') === 'true';
    this.requests.push({ method: 'GET', apiVersion, id, stream, url: url.pathname + url.search, headers: req.headers, body: {} });
    const stored = this.stored.get(id);
    if (!stored) return this.fail(res, 404, 'NOT_FOUND', `Interaction ${id} not found.`);
    if (!stream) return this.fail(res, 400, 'FAILED_PRECONDITION', 'fake-interactions: only streamed GETs are served');
    const last = url.searchParams.get('last_event_id');
    const from = last ? stored.events.findIndex((event) => event.event_id === last) + 1 : 0;
    if (last && from === 0) return this.fail(res, 400, 'INVALID_ARGUMENT', `Unknown last_event_id ${JSON.stringify(last)}.`);
    return this.sendEvents(res, stored.events.slice(from));
  }

  private async sendEvents(res: ServerResponse, events: Array<Record<string, unknown>>, cutAfter?: number, stallAfter?: number): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const [index, event] of events.entries()) {
      if (stallAfter !== undefined && index >= stallAfter) {
        res.write(`data: ${JSON.stringify(event).slice(0, 20)}`);
        return;
      }
      if (cutAfter !== undefined && index >= cutAfter) {
        await cutMidBody(res);
        return;
      }
      if (res.destroyed) return;
      const type = typeof event === 'object' && event !== null ? event.event_type : undefined;
      res.write(`${typeof type === 'string' ? `event: ${type}\n` : ''}data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`);
      // Events go out one macrotask apart (so a client reads them as a stream), in batches for long floods.
      if (index % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    res.end();
  }

  private fail(res: ServerResponse, code: number, status: string, message: string, record = true): void {
    if (record) this.failures.push(`${code} ${status}: ${message}`);
    json(res, code, { error: { code, message, status } });
  }
}
