/** Shared pieces of the Interactions tests: one fake server per file, a chat on it, clean-run checks. */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { type CodeExecutionChatOptions, InteractionError, createCodeExecutionChat } from '../../src/agent/index.js';
import { MODEL, clientFor } from '../fake-interactions/scenarios.js';
import { FakeInteractions, type FakeInteractionsOptions } from '../fake-interactions/server.js';
import type { AgentSandbox } from '../../src/agent/index.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';

/** One fake Interactions server for the test file; its script, log and stored interactions are reset before each test. */
export function useFakeInteractions(options?: FakeInteractionsOptions): { fake: FakeInteractions } {
  const holder = {} as { fake: FakeInteractions };
  beforeAll(async () => {
    holder.fake = await FakeInteractions.start(options);
  });
  afterAll(() => holder.fake?.close());
  beforeEach(() => {
    holder.fake?.reset();
  });
  return holder;
}

/** A sandbox that prints `output` for every run (and records the code). */
export function printingSandbox(output = '42\n'): ScriptedSandbox {
  return new ScriptedSandbox(() => ({ output, stdout: output }));
}

type ChatExtras = Partial<Omit<CodeExecutionChatOptions, 'ai' | 'api'>>;

/** A local-mode chat on the Interactions API, on the fake. */
export function localChat(fake: FakeInteractions, sandbox: AgentSandbox = printingSandbox(), extra: ChatExtras = {}) {
  return createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, api: 'interactions', sandbox, ...extra } as CodeExecutionChatOptions);
}

/** A server-mode chat on the Interactions API, on the fake. */
export function serverChat(fake: FakeInteractions, extra: ChatExtras = {}) {
  return createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, api: 'interactions', execution: 'server', ...extra } as CodeExecutionChatOptions);
}

/** Every scripted turn was used and the fake service refused nothing. */
export function expectCleanRun(fake: FakeInteractions): void {
  expect(fake.failures).toEqual([]);
  expect(fake.remaining).toBe(0);
}

/** The InteractionError `promise` rejects with (it must reject with one). */
export async function failure(promise: Promise<unknown>): Promise<InteractionError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InteractionError);
  return error as InteractionError;
}
