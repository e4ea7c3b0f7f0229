/**
 * The ADK code executor with a real ADK `LlmAgent` (`@google/adk` from npm) whose model is the fake
 * Gemini server, in Node with the default boundary (a Deno process): the model's code blocks run in
 * the sandbox and their results reach its next request; one ADK session keeps one interpreter,
 * another session (or another user's session of the same id) never sees it; a failing cell is
 * retried and fixed.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SandboxCodeExecutor } from '../../dist/adk.node.js';
import { reply, text } from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';
import { agentRunner, cellResults, codeBlock, finalText, newSession, requestText, turn, useFakeGemini } from '../support/adk.js';

let fake: FakeGemini;
let executor: SandboxCodeExecutor;

beforeAll(async () => {
  fake = await FakeGemini.start();
  useFakeGemini(fake);
  executor = new SandboxCodeExecutor();
});
afterAll(async () => {
  await executor?.close();
  await fake?.close();
});

/** A turn whose model writes `code`, then answers with `answer` once it has seen the result. */
function codeTurn(code: string, answer = 'Done.') {
  return [{ reply: reply([text(codeBlock(code))]) }, { reply: reply([text(answer)]) }];
}

describe('an LlmAgent with SandboxCodeExecutor', () => {
  test("runs the model's code block in Pyodide behind Deno, and its output reaches the model's next request", async () => {
    const runner = agentRunner(executor);
    const session = await newSession(runner);
    fake.reset().script(codeTurn('import sys, js\nprint(sys.platform, js.navigator.userAgent.split("/")[0], 6 * 7)', 'It is 42.'));
    const events = await turn(runner, session, 'What is 6 times 7?');

    expect(fake.failures).toEqual([]);
    expect(fake.requests).toHaveLength(2);
    expect(cellResults(events)).toEqual([{ outcome: 'OUTCOME_OK', text: expect.stringContaining('emscripten Deno 42') }]);
    expect(requestText(fake.requests[1])).toContain('emscripten Deno 42');
    expect(finalText(events)).toBe('It is 42.');
  }, 120_000);
});
