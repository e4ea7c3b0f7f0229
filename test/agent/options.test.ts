/** What createCodeExecutionChat refuses, and how it says so. */
import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { createCodeExecutionChat, sandboxAsCallableTool } from '../../src/agent/index.js';
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

  it('checks maxSteps, function names and history', () => {
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, maxSteps: 0 })).toThrow(RangeError);
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, functions: [fn('a'), fn('a')] })).toThrow(/Two functions are named "a"/);
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, functions: [fn('run_python')] })).toThrow(/declared by the loop itself/);
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, history: [{ role: 'system', parts: [] }] })).toThrow(/role must be "user" or "model"/);
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
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, images: 'after', multimodalFunctionResponse: false })).toThrow(/not both/);
    // @ts-expect-error: not a value of images.
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, images: 'before' })).toThrow(/images must be "auto" or "inside" or "after"; got "before"/);
  });

  it('refuses a CallableTool in config.tools (the SDK would take over the calls)', async () => {
    const chat = createCodeExecutionChat({ ai, model: 'm', sandbox, config: { tools: [sandboxAsCallableTool(sandbox)] } });
    await expect(chat.sendMessage({ message: 'hi' })).rejects.toThrow(/cannot hold a CallableTool/);
    expect(chat.getHistory()).toEqual([]);
  });
});
