/**
 * A real ADK agent (`@google/adk` from npm) whose model is the fake Gemini server: ADK's own
 * `Gemini` class, pointed at the fake by `GOOGLE_GEMINI_BASE_URL` (read by @google/genai in Node),
 * an `LlmAgent` with the given code executor, and ADK's `InMemoryRunner`. Each turn's events and
 * the requests the fake received are what the tests read.
 */
import { type BaseCodeExecutor, type Event, Gemini, InMemoryRunner, LlmAgent } from '@google/adk';
import type { Content, Part } from '@google/genai';
import { withCodeExecution } from '../../dist/adk.node.js';
import { MODEL } from '../fake-gemini/scenarios.js';
import type { FakeGemini } from '../fake-gemini/server.js';
import type { RecordedRequest } from '../fake-gemini/wire.js';

export const APP = 'adk-tests';

/** Points ADK's Gemini (its @google/genai client) at the fake, with a key the fake accepts. */
export function useFakeGemini(fake: FakeGemini): void {
  process.env.GOOGLE_GEMINI_BASE_URL = fake.baseUrl;
  process.env.GEMINI_API_KEY = 'test-key';
}

/** An `LlmAgent` on the fake model that runs its code blocks with `codeExecutor`, and a runner for it. */
export function agentRunner(codeExecutor: BaseCodeExecutor, instruction = 'Answer by running Python.'): InMemoryRunner {
  const agent = withCodeExecution(new LlmAgent({ name: 'analyst', model: new Gemini({ model: MODEL, apiKey: 'test-key' }), instruction, codeExecutor }));
  return new InMemoryRunner({ agent, appName: APP });
}

/** A new session of `user` (ADK names it, unless `sessionId` is given). */
export async function newSession(runner: InMemoryRunner, user = 'user-1', sessionId?: string): Promise<string> {
  return (await runner.sessionService.createSession({ appName: APP, userId: user, sessionId })).id;
}

/** One user turn: the message (text, or parts such as an inline CSV) and every event of the agent's answer. */
export async function turn(runner: InMemoryRunner, sessionId: string, message: string | Part[], user = 'user-1'): Promise<Event[]> {
  const parts = typeof message === 'string' ? [{ text: message }] : message;
  const events: Event[] = [];
  for await (const event of runner.runAsync({ userId: user, sessionId, newMessage: { role: 'user', parts } })) events.push(event);
  return events;
}

/** The text of a model reply holding one code block, as a model writes it. */
export function codeBlock(code: string, before = 'Let me compute it.'): string {
  return `${before}\n\`\`\`python\n${code}\n\`\`\`\n`;
}

/** The code execution results among the events, as ADK records them (text and outcome). */
export function cellResults(events: readonly Event[]): { text: string; outcome: string }[] {
  return events.flatMap((event) =>
    (event.content?.parts ?? [])
      .filter((part) => part.codeExecutionResult)
      .map((part) => ({ text: part.text ?? '', outcome: String(part.codeExecutionResult?.outcome) })),
  );
}

/** The last event's text: the agent's final answer. */
export function finalText(events: readonly Event[]): string {
  return (events.at(-1)?.content?.parts ?? []).map((part) => part.text ?? '').join('');
}

/** Everything a request sent, as text: where a result must have reached the model. */
export function requestText(request: RecordedRequest): string {
  return (request.body.contents as Content[]).flatMap((content) => (content.parts ?? []).map((part) => part.text ?? '')).join('\n');
}
