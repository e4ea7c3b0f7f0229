/**
 * The seed prompt against the real Gemini API, in both modes. Needs GEMINI_API_KEY and internet
 * access, so it is skipped where either is missing (as on the project's CI machines). The same
 * code path runs offline in local-loop.test.ts and server-mode.test.ts against the fake server,
 * which speaks the same wire format.
 */
import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { createCodeExecutionChat, partKind } from '../../src/agent/index.js';
import { withSandbox } from '../support/fixtures.js';

const apiKey = process.env.GEMINI_API_KEY;
const SEED = 'What is the sum of the first 50 prime numbers? Generate and run code.';

describe.skipIf(!apiKey)('live Gemini API (skipped: needs GEMINI_API_KEY and internet access)', () => {
  const ai = new GoogleGenAI({ apiKey, apiVersion: 'v1beta' });

  it('answers the seed prompt with locally executed code', async () => {
    await withSandbox(undefined, async (sandbox) => {
      const chat = createCodeExecutionChat({ ai, model: 'gemini-flash-latest', execution: 'local', sandbox });
      const parts = (await chat.sendMessage({ message: SEED })).candidates?.[0]?.content?.parts ?? [];
      expect(parts.map(partKind)).toContain('codeExecutionResult');
      expect(parts.map((p) => p.text ?? '').join('')).toContain('5117');
    });
  }, 120_000);

  it('answers the seed prompt with server-side code execution', async () => {
    const chat = createCodeExecutionChat({ ai, model: 'gemini-flash-latest', execution: 'server' });
    const parts = (await chat.sendMessage({ message: SEED })).candidates?.[0]?.content?.parts ?? [];
    expect(parts.map(partKind)).toContain('codeExecutionResult');
    expect(parts.map((p) => p.text ?? '').join('')).toContain('5117');
  }, 120_000);
});
