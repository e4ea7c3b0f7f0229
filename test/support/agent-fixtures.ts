/** Shared pieces of the agent tests: the real sandbox, event capture, transcript shapes. */
import type { GenerateContentResponse, Part } from '@google/genai';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { PythonSandbox, SandboxOptions } from '../../dist/index.node.js';
import { type CodeExecutionEvent, partKind } from '../../src/agent/index.js';
import { FakeGemini } from '../fake-gemini/server.js';
import { type Connected, connect } from '../fake-live/scenarios.js';
import { FakeLive } from '../fake-live/server.js';
import { useSandbox } from './fixtures.js';

/** The agent suites' sandbox options: a run deadline long enough for a loaded machine. */
export const AGENT_SANDBOX_OPTIONS: SandboxOptions = { limits: { timeoutMs: 20_000 } };

/**
 * One fake Gemini server and one real sandbox per test file (a boot costs seconds); the fake's
 * script and request log are reset before each test. `options`: the sandbox's, for a file that
 * needs other limits.
 */
export function useAgentFixture(
  started: (fixture: { fake: FakeGemini; sandbox: PythonSandbox }) => void,
  options: SandboxOptions = AGENT_SANDBOX_OPTIONS,
): void {
  let fake: FakeGemini | undefined;
  beforeAll(async () => {
    fake = await FakeGemini.start();
  });
  afterAll(async () => {
    await fake?.close();
  });
  useSandbox(options, (sandbox) => started({ fake: fake!, sandbox }));
  beforeEach(() => {
    fake?.reset();
  });
}

/**
 * A fake Gemini server for the test file that adds no signatures of its own (recorded turns go out
 * as recorded); its script and log are reset before each test.
 */
export function useRecordedFake(): { fake: FakeGemini } {
  const holder = {} as { fake: FakeGemini };
  beforeAll(async () => {
    holder.fake = await FakeGemini.start({ signFunctionCalls: false });
  });
  afterAll(() => holder.fake?.close());
  beforeEach(() => {
    holder.fake?.reset();
  });
  return holder;
}

/** The smallest valid PNG (1x1), as a Python bytes literal, so no imaging library is needed. */
export const PNG_LITERAL =
  'b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00\\x00\\rIHDR\\x00\\x00\\x00\\x01\\x00\\x00\\x00\\x01\\x08\\x06\\x00\\x00\\x00\\x1f\\x15\\xc4\\x89\\x00\\x00\\x00\\rIDATx\\x9cc\\xf8\\x0f\\x00\\x00\\x01\\x01\\x00\\x05\\x18\\xd8N\\x00\\x00\\x00\\x00IEND\\xaeB`\\x82"';

/** Python that returns one PNG image through display(). */
export const DISPLAY_PNG_CODE = `class Pic:\n    def _repr_png_(self):\n        return ${PNG_LITERAL}\ndisplay(Pic())\nprint("drawn")`;

/** Collects `onEvent` events. */
export function eventLog(): { events: CodeExecutionEvent[]; onEvent: (event: CodeExecutionEvent) => void; types: () => string[] } {
  const events: CodeExecutionEvent[] = [];
  return { events, onEvent: (event) => events.push(event), types: () => events.map((event) => event.type) };
}

/** The transcript parts of a response. */
export function partsOf(response: GenerateContentResponse): Part[] {
  return response.candidates?.[0]?.content?.parts ?? [];
}

/** The kinds of the transcript parts, in order. */
export function kindsOf(parts: Part[]): string[] {
  return parts.map(partKind);
}

/** All chunks of a stream. */
export async function collect(stream: AsyncIterable<GenerateContentResponse>): Promise<GenerateContentResponse[]> {
  const chunks: GenerateContentResponse[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** What {@link useFakeLive} gives a test file. */
export interface FakeLiveWorld {
  /** Connects a session to the file's fake Live server; it is closed after the test. */
  open(options: Parameters<typeof connect>[1]): Promise<Connected>;
  /** The session the running test opened last, if any. */
  readonly session: Connected | undefined;
}

/**
 * One fake Live server per test file (`started` receives it). After each test the session the
 * test opened is closed and the fake's script and frames are reset.
 */
export function useFakeLive(started: (fake: FakeLive) => void): FakeLiveWorld {
  let fake: FakeLive | undefined;
  let session: Connected | undefined;
  beforeAll(async () => {
    fake = await FakeLive.start();
    started(fake);
  });
  afterAll(() => fake?.close());
  afterEach(() => {
    session?.live.close();
    session = undefined;
    fake?.reset();
  });
  return {
    open: async (options) => {
      session = await connect(fake!, options);
      return session;
    },
    get session() {
      return session;
    },
  };
}
