/** What createCodeExecutionChat refuses, and how it says so. */
import { GoogleGenAI } from '@google/genai';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type AgentLimits,
  type CodeExecutionChatOptions,
  type ConnectLiveCodeExecutionOptions,
  type ConnectLiveLimits,
  createCodeExecutionChat,
  createLiveCodeExecution,
  type GenerateContentLimits,
  type GenerateWithCodeExecutionParameters,
  type InteractionsLimits,
  type LiveCodeExecutionOptions,
  type LiveLimits,
  sandboxAsCallableTool,
} from '../../src/agent/index.js';
import { resolveSetup } from '../../src/agent/setup.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';

describe('options', () => {
  const ai = new GoogleGenAI({ apiKey: 'unused', apiVersion: 'v1beta' });
  const sandbox = new ScriptedSandbox(() => ({}));
  const fn = (name: string) => ({ declaration: { name }, handler: () => 1 });

  it('needs a sandbox in local mode, and none in server mode', () => {
    // @ts-expect-error: local mode without a sandbox is a type error too.
    expect(() => createCodeExecutionChat({ ai, model: 'gemini-flash-latest' })).toThrow(/needs a sandbox/);
    expect(() => createCodeExecutionChat({ ai, model: 'gemini-flash-latest', execution: 'server' })).not.toThrow();
  });

  it('checks limits.maxSteps, function names and history', () => {
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, limits: { maxSteps: 0 } })).toThrow(/limits.maxSteps must be a whole number of at least 1/);
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, functions: [fn('a'), fn('a')] })).toThrow(/Two functions are named "a"/);
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, functions: [fn('run_python')] })).toThrow(/declared by the loop itself/);
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, history: [{ role: 'system', parts: [] }] })).toThrow(/role must be "user" or "model"/);
  });

  it('takes its limits in limits; the deprecated top-level maxSteps still works, and both at once is a TypeError', () => {
    const local = { ai, model: 'm', sandbox };
    expect(resolveSetup(local).maxSteps).toBe(10);
    expect(resolveSetup({ ...local, limits: { maxSteps: 3 } }).maxSteps).toBe(3);
    expect(resolveSetup({ ...local, api: 'interactions', limits: { maxSteps: 4, streamIdleTimeoutMs: 1000 } }).maxSteps).toBe(4);
    expect(resolveSetup({ ...local, maxSteps: 5 }).maxSteps).toBe(5);
    expect(() => createCodeExecutionChat({ ...local, maxSteps: 0 })).toThrow(/limits.maxSteps must be a whole number/);
    expect(() => createCodeExecutionChat({ ...local, maxSteps: 3, limits: { maxSteps: 3 } })).toThrow(
      'maxSteps and limits.maxSteps are both given; keep limits.maxSteps (maxSteps is deprecated)',
    );
  });

  it("refuses a sandbox's limit, or a typo, in the loop's limits: a compile error in TypeScript, a TypeError in JavaScript", () => {
    // @ts-expect-error: timeoutMs is the sandbox's (PythonSandbox.create({ limits })).
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, limits: { timeoutMs: 1000 } })).toThrow(
      `limits.timeoutMs is not a limit of the agent loop on api: "generateContent" (its limits: maxSteps); the sandbox's limits go to PythonSandbox.create({ limits })`,
    );
    // @ts-expect-error: a typo.
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, limits: { maxStep: 3 } })).toThrow(/limits.maxStep is not a limit/);
    // @ts-expect-error: limits is an object.
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, limits: 3 })).toThrow(
      'limits of the agent loop on api: "generateContent" must be an object; got number',
    );
  });

  it('every agent entry takes its limits in limits, each a Pick of AgentLimits (type-level: this compiles)', () => {
    expectTypeOf<GenerateContentLimits>().toEqualTypeOf<Pick<AgentLimits, 'maxSteps'>>();
    expectTypeOf<InteractionsLimits>().toEqualTypeOf<Pick<AgentLimits, 'maxSteps' | 'streamIdleTimeoutMs'>>();
    expectTypeOf<LiveLimits>().toEqualTypeOf<Pick<AgentLimits, 'maxPendingCalls'>>();
    expectTypeOf<ConnectLiveLimits>().toEqualTypeOf<Pick<AgentLimits, 'maxPendingCalls' | 'maxReconnectAttempts' | 'setupTimeoutMs'>>();
    const chat = { ai, model: 'm', sandbox, limits: { maxSteps: 4 } } satisfies CodeExecutionChatOptions;
    const interactions = {
      ai,
      model: 'm',
      sandbox,
      api: 'interactions',
      limits: { maxSteps: 4, streamIdleTimeoutMs: 60_000 },
    } satisfies CodeExecutionChatOptions;
    const oneShot = { ai, model: 'm', sandbox, contents: 'hi', limits: { maxSteps: 2 } } satisfies GenerateWithCodeExecutionParameters;
    const live = { sandbox, limits: { maxPendingCalls: 4 } } satisfies LiveCodeExecutionOptions;
    const connect = {
      ai,
      model: 'gemini-3.8-live',
      sandbox,
      limits: { maxPendingCalls: 4, maxReconnectAttempts: 1, setupTimeoutMs: 5_000 },
    } satisfies ConnectLiveCodeExecutionOptions;
    expect(() => [createCodeExecutionChat(chat), createCodeExecutionChat(interactions), createLiveCodeExecution(live)]).not.toThrow();
    expect([oneShot.limits, connect.limits]).toBeTruthy();
  });

  it("refuses the other API's options: a compile error in TypeScript, a TypeError in JavaScript", () => {
    const steps = { steps: [] };
    // @ts-expect-error: store is an Interactions option.
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, store: true })).toThrow(/store applies to api: "interactions" only/);
    // @ts-expect-error: interactionHistory needs api: 'interactions'.
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, interactionHistory: steps })).toThrow(/interactionHistory needs api: "interactions"/);
    // @ts-expect-error: history (Contents) is generateContent's.
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, api: 'interactions', history: [{ role: 'user', parts: [{ text: 'x' }] }] })).toThrow(
      /takes interactionHistory/,
    );
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, api: 'interactions', store: true, interactionHistory: steps })).not.toThrow();
  });

  it('takes images in local mode only, and one of its names at a time', () => {
    // @ts-expect-error: server mode sends no function responses.
    expect(() => createCodeExecutionChat({ ai, model: 'm', execution: 'server', images: 'after' })).toThrow(/images applies to execution "local" only/);
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, images: 'after', multimodalFunctionResponse: false })).toThrow(
      'multimodalFunctionResponse and images are both given; keep images (multimodalFunctionResponse is deprecated)',
    );
    // @ts-expect-error: not a value of images.
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, images: 'before' })).toThrow(/images must be "auto" or "inside" or "after"; got "before"/);
  });

  it('refuses a CallableTool in config.tools (the SDK would take over the calls)', async () => {
    const chat = createCodeExecutionChat({ ai, model: 'm', sandbox, config: { tools: [sandboxAsCallableTool(sandbox)] } });
    await expect(chat.sendMessage({ message: 'hi' })).rejects.toThrow(/cannot hold a CallableTool/);
    expect(chat.getHistory()).toEqual([]);
  });
});
