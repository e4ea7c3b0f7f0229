/**
 * Building blocks for Live scenarios: server messages, the real SDK client pointed at the fake,
 * a connected session with its events, and the reader of recorded `.websocket.log` files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { fileURLToPath } from 'node:url';
import { GoogleGenAI } from '@google/genai';
import { type ConnectLiveCodeExecutionOptions, type LiveCodeExecution, type LiveCodeExecutionEvent, connectLiveCodeExecution } from '../../src/agent/index.js';
import { API_VERSION, type ClientKind, type FakeLive, type FakeLiveConnection, type Step } from './server.js';

/** Today's default Live model (GA September 2026): audio only, NON_BLOCKING unless declared otherwise. */
export const LIVE_MODEL = 'gemini-3.8-live';

/** The real SDK client, pointed at the fake Live server. */
export function liveClient(fake: FakeLive): GoogleGenAI {
  return new GoogleGenAI({ apiKey: 'test-key', apiVersion: API_VERSION, httpOptions: { baseUrl: fake.baseUrl } });
}

export interface WireCall {
  id?: unknown;
  name?: unknown;
  args?: unknown;
}

export function runPythonCall(id: string, code: string): WireCall {
  return { id, name: 'run_python', args: { code } };
}

export function toolCall(...functionCalls: WireCall[]): object {
  return { toolCall: { functionCalls } };
}

export function cancellation(...ids: string[]): object {
  return { toolCallCancellation: { ids } };
}

export function modelTurn(...parts: object[]): object {
  return { serverContent: { modelTurn: { parts } } };
}

/** The end of the model's turn; `extra` adds serverContent fields (`interactionStatus`, `turnCompleteReason`…). */
export function turnComplete(extra: object = {}): object {
  return { serverContent: { turnComplete: true, ...extra }, usageMetadata: { promptTokenCount: 10, responseTokenCount: 5, totalTokenCount: 15 } };
}

/** A piece of the model's speech, as today's models send it: an audio chunk with its transcription. */
export function spoken(text: string): object {
  return { serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'AAAAAA==' } }] }, outputTranscription: { text } } };
}

/** A piece of the user's transcribed speech. */
export function heard(text: string, finished?: boolean): object {
  return { serverContent: { inputTranscription: { text, ...(finished !== undefined && { finished }) } } };
}

/** A session connected to the fake through the real SDK, its server side, and every event. */
export interface Connected {
  live: LiveCodeExecution;
  server: FakeLiveConnection;
  events: LiveCodeExecutionEvent[];
  /** Resolves with the first event of `type` (already seen, or to come). */
  waitFor<T extends LiveCodeExecutionEvent['type']>(type: T, timeoutMs?: number): Promise<Extract<LiveCodeExecutionEvent, { type: T }>>;
}

export async function connect(fake: FakeLive, options: Omit<ConnectLiveCodeExecutionOptions, 'ai' | 'model'> & { model?: string }): Promise<Connected> {
  const events: LiveCodeExecutionEvent[] = [];
  const listeners = new Set<() => void>();
  const server = fake.connection();
  const live = await connectLiveCodeExecution({
    ai: liveClient(fake),
    model: LIVE_MODEL,
    ...options,
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event);
      for (const listener of listeners) listener();
    },
  });
  const waitFor = <T extends LiveCodeExecutionEvent['type']>(type: T, timeoutMs = 15_000) =>
    new Promise<Extract<LiveCodeExecutionEvent, { type: T }>>((resolve, reject) => {
      const check = () => {
        const found = events.find((event) => event.type === type);
        if (!found) return false;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(found as Extract<LiveCodeExecutionEvent, { type: T }>);
        return true;
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`No ${type} event within ${timeoutMs} ms; events: ${events.map((e) => e.type).join(', ')}`));
      }, timeoutMs);
      if (!check()) listeners.add(check);
    });
  return { live, server: await server, events, waitFor };
}

/** One frame of a recorded `.websocket.log`: `>` client to server, `<` server to client. */
export interface RecordedFrame {
  direction: '>' | '<';
  /** The frame's exact text. */
  text: string;
}

export const RECORDED_DIR = fileURLToPath(new URL('../../../shared/eval/recorded-gemini/', import.meta.url));

/** The recorded file's path, or undefined when the shared folder is not there. */
export function recordedPath(name: string): string | undefined {
  const path = RECORDED_DIR + name;
  return existsSync(path) ? path : undefined;
}

/**
 * Reads js-genai's websocket log format: each frame is `>` or `<`, its byte count, a space, then
 * that many bytes, the last of which is a newline that is not part of the frame (so a server
 * frame's own trailing newline shows as a blank line).
 */
export function readWebsocketLog(path: string): RecordedFrame[] {
  const bytes = readFileSync(path);
  const frames: RecordedFrame[] = [];
  let at = 0;
  while (at < bytes.length) {
    const direction = String.fromCharCode(bytes[at]!);
    if (direction !== '>' && direction !== '<') throw new Error(`${path}: expected > or < at byte ${at}`);
    const space = bytes.indexOf(0x20, at);
    const count = Number(bytes.subarray(at + 1, space).toString());
    const end = space + 1 + count;
    if (!Number.isInteger(count) || bytes[end - 1] !== 0x0a) throw new Error(`${path}: the frame at byte ${at} does not end where its count says`);
    frames.push({ direction, text: bytes.subarray(space + 1, end - 1).toString('utf8') });
    at = end;
    while (bytes[at] === 0x0a) at++;
  }
  return frames;
}

/** One message of a recorded cassette (pydantic-ai's realtime recorder): what the client sent or received. */
export interface CassetteMessage {
  direction: 'sent' | 'received';
  data: Record<string, any>;
}

/** Reads a pydantic-ai realtime cassette (`interactions: [{ kind: message, direction, data }]`). */
export function readCassette(path: string): CassetteMessage[] {
  const cassette = parse(readFileSync(path, 'utf8')) as { interactions: { kind: string; direction: 'sent' | 'received'; data: Record<string, any> }[] };
  return cassette.interactions.filter((entry) => entry.kind === 'message').map(({ direction, data }) => ({ direction, data }));
}

/** The client frame kind of a recorded sent message (the Python SDK writes some keys in snake_case). */
export function sentKind(data: Record<string, unknown>): ClientKind {
  const key = Object.keys(data)[0]!.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase());
  return key as ClientKind;
}

/**
 * The script that replays a cassette (for a fake without `autoSetup`): every received message sent
 * verbatim, in order, each after the client frames recorded before it (the setup first).
 */
export function replayScript(messages: readonly CassetteMessage[]): Step[] {
  return messages.map((message) => (message.direction === 'sent' ? { await: sentKind(message.data) } : { send: message.data }));
}
