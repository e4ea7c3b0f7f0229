/**
 * Building blocks for scripted Interactions conversations: steps, interactions, their SSE events
 * (shaped as the recorded stream is: see recorded.ts), readers of what the client sent, and the client.
 */
import { GoogleGenAI, type HttpOptions } from '@google/genai';
import type { FakeInteractions, Reply } from './server.js';
import type { RecordedRequest, ScriptedInteraction, Step, Usage } from './wire.js';

/** A model name the fake accepts code execution beside functions for. */
export const MODEL = 'gemini-3-flash-preview';

/** The real SDK client, pointed at the fake server. */
export function clientFor(fake: FakeInteractions, httpOptions: HttpOptions = {}): GoogleGenAI {
  return new GoogleGenAI({ apiKey: 'test-key', apiVersion: 'v1beta', httpOptions: { baseUrl: fake.baseUrl, ...httpOptions } });
}

export function thought(signature: string, summary?: string): Step {
  return { type: 'thought', signature, ...(summary !== undefined && { summary: [{ type: 'text', text: summary }] }) };
}

export function modelOutput(text: string, ...images: Array<{ data: string; mime_type: string }>): Step {
  return {
    type: 'model_output',
    content: [...(text ? [{ type: 'text' as const, text }] : []), ...images.map((image) => ({ type: 'image' as const, ...image }))],
  };
}

export function functionCall(name: string, args: Record<string, unknown>, id: string): Step {
  return { type: 'function_call', id, name, arguments: args };
}

export function runPython(code: string, id: string): Step {
  return functionCall('run_python', { code }, id);
}

export function codeCall(code: string, id: string, language = 'python'): Step {
  return { type: 'code_execution_call', id, arguments: { code, language } };
}

/** A server-side run's result: text, or (SDK 3.x's shape) content blocks with images. */
export function codeResult(
  result: string | Array<{ type: 'text'; text: string } | { type: 'image'; data: string; mime_type: string }>,
  callId: string,
  isError?: boolean,
): Step {
  return { type: 'code_execution_result', call_id: callId, result, ...(isError !== undefined && { is_error: isError }) } as Step;
}

const USAGE: Usage = { total_input_tokens: 10, total_output_tokens: 5, total_thought_tokens: 2, total_tokens: 17 };

export function interaction(status: string, steps: Step[], usage: Usage = USAGE): ScriptedInteraction {
  return { status, steps, usage };
}

/** The reply answering with an interaction (JSON, or events when the client streams). */
export function reply(status: string, steps: Step[], options: { cutAfter?: number; eventIds?: boolean } = {}): Reply {
  return { interaction: interaction(status, steps), ...options };
}

/**
 * The SSE events of an interaction, in the order and shape of the recorded stream
 * (vercel-ai__interactions-function-call-step1.chunks.txt): created, status_update, each step as
 * start / delta(s) / stop (a call's start has `signature: ""` and empty arguments, ONE
 * `arguments_delta` carries the whole JSON), then completed with status and usage. `eventIds`
 * gives each event an `event_id` (the recording has none).
 */
export function eventsFor(id: string, model: string, scripted: ScriptedInteraction, options: { eventIds?: boolean } = {}): Array<Record<string, unknown>> {
  const events: Array<Record<string, unknown>> = [
    { interaction: { id, status: 'in_progress', object: 'interaction', model }, event_type: 'interaction.created' },
    { interaction_id: id, status: 'in_progress', event_type: 'interaction.status_update' },
  ];
  for (const [index, step] of scripted.steps.entries()) {
    const start = (value: unknown) => events.push({ index, step: value, event_type: 'step.start' });
    const delta = (value: unknown) => events.push({ index, delta: value, event_type: 'step.delta' });
    switch (step.type) {
      case 'thought':
        start({ type: 'thought' });
        for (const block of step.summary ?? []) delta({ content: block, type: 'thought_summary' });
        delta({ signature: step.signature, type: 'thought_signature' });
        break;
      case 'model_output':
        start({ type: 'model_output' });
        for (const block of step.content ?? []) {
          if (block.type !== 'text') delta(block);
          else for (const piece of halves(block.text)) delta({ text: piece, type: 'text' });
        }
        break;
      case 'function_call':
        start({ id: step.id, signature: '', type: 'function_call', name: step.name, arguments: {} });
        delta({ arguments: JSON.stringify(step.arguments), type: 'arguments_delta' });
        break;
      case 'code_execution_call':
        start({ id: step.id, type: 'code_execution_call', arguments: {} });
        delta({ arguments: step.arguments, type: 'code_execution_call' });
        break;
      case 'code_execution_result': {
        const result: unknown = step.result;
        const blocks = Array.isArray(result) ? (result as Array<{ type: string; text?: string }>) : [];
        start({ call_id: step.call_id, type: 'code_execution_result', result: Array.isArray(result) ? blocks.filter((block) => block.type !== 'text') : '' });
        const text = typeof result === 'string' ? result : blocks.flatMap((block) => (block.type === 'text' ? [block.text ?? ''] : [])).join('');
        delta({ result: text, ...(step.is_error !== undefined && { is_error: step.is_error }), type: 'code_execution_result' });
        break;
      }
      default:
        start(step);
    }
    events.push({ index, event_type: 'step.stop' });
  }
  events.push({
    interaction: { id, status: scripted.status, ...(scripted.usage && { usage: scripted.usage }), object: 'interaction', model },
    event_type: 'interaction.completed',
  });
  return options.eventIds ? events.map((event, n) => ({ ...event, event_id: `evt-${n + 1}` })) : events;
}

function halves(text: string): string[] {
  const middle = Math.ceil(text.length / 2);
  return text.length < 2 ? [text] : [text.slice(0, middle), text.slice(middle)];
}

/** The steps a create request sent. */
export function inputOf(request: RecordedRequest): Step[] {
  return Array.isArray(request.body.input) ? request.body.input : [];
}

/** The function results at the end of a request's input: those answering the last response (earlier ones are resent history). */
export function functionResults(request: RecordedRequest): Array<Extract<Step, { type: 'function_result' }>> {
  const input = inputOf(request);
  let from = input.length;
  while (from > 0 && input[from - 1].type === 'function_result') from--;
  return input.slice(from) as Array<Extract<Step, { type: 'function_result' }>>;
}

/** The JSON text of the `index`-th function result of a request, parsed. */
export function resultJson(request: RecordedRequest, index = 0): Record<string, unknown> {
  const result: unknown = functionResults(request)[index]?.result;
  const text = Array.isArray(result) ? (result.find((block) => block.type === 'text') as { text: string } | undefined)?.text : undefined;
  if (text === undefined) throw new Error(`function result #${index} has no text block`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** The names of the tools a request declared (`function` tools by name, others by type). */
export function declaredTools(request: RecordedRequest): string[] {
  return (request.body.tools ?? []).map((tool) => (tool.type === 'function' ? (tool.name ?? '') : tool.type));
}
