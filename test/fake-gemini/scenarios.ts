/**
 * Building blocks for scripted conversations with the fake server: model parts and responses,
 * readers of what the client sent, and the canned seed conversation.
 */
import { readFileSync } from 'node:fs';
import { FinishReason, type FunctionResponse, GoogleGenAI, type HttpOptions, Language, Outcome } from '@google/genai';
import type { FakeGemini, Reply, ScriptedTurn } from './server.js';
import type { Content, Part, RecordedRequest, WireResponse } from './wire.js';

/** The model the tests talk to: the library's default alias, a current model to the fake. */
export const MODEL = 'gemini-flash-latest';
/**
 * An old model, for tests of what models before Gemini 3 do (validate.ts, `isLegacyModel`):
 * they refuse images inside function responses and take function calls back unsigned.
 */
export const GEMINI_25 = 'gemini-2.5-flash';

/** The real SDK client, pointed at the fake server. */
export function clientFor(fake: FakeGemini, httpOptions: HttpOptions = {}): GoogleGenAI {
  return new GoogleGenAI({ apiKey: 'test-key', apiVersion: 'v1beta', httpOptions: { baseUrl: fake.baseUrl, ...httpOptions } });
}

export function text(value: string, extra: Partial<Part> = {}): Part {
  return { text: value, ...extra };
}

export function functionCall(name: string, args: Record<string, unknown>, id?: string): Part {
  return { functionCall: { name, args, ...(id !== undefined && { id }) } };
}

export function runPythonCall(code: string, id?: string): Part {
  return functionCall('run_python', { code }, id);
}

let responseSeq = 0;

/** A complete model response (one candidate). */
export function modelResponse(parts: Part[], options: { finishReason?: FinishReason; promptTokens?: number; outputTokens?: number } = {}): WireResponse {
  const promptTokenCount = options.promptTokens ?? 10;
  const candidatesTokenCount = options.outputTokens ?? 5;
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason: options.finishReason ?? FinishReason.STOP, index: 0 }],
    usageMetadata: { promptTokenCount, candidatesTokenCount, totalTokenCount: promptTokenCount + candidatesTokenCount },
    modelVersion: MODEL,
    responseId: `fake-response-${++responseSeq}`,
  };
}

/** The reply for both endpoints: JSON, or one SSE event. */
export function reply(parts: Part[], options?: Parameters<typeof modelResponse>[1]): Reply {
  return { response: modelResponse(parts, options) };
}

/**
 * A streamed reply: one SSE event per entry of `chunks` (each a list of parts); usage is a
 * running total and only the last event has a finishReason, as the real stream does.
 */
export function streamReply(chunks: Part[][], options: { cutAfter?: number; delayMs?: number; beforeChunk?: (index: number) => Promise<void> } = {}): Reply {
  const events = chunks.map((parts, index): WireResponse => {
    const last = index === chunks.length - 1;
    return {
      candidates: [{ content: { role: 'model', parts }, index: 0, ...(last && { finishReason: FinishReason.STOP }) }],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: index + 1, totalTokenCount: 11 + index },
      modelVersion: MODEL,
    };
  });
  return { chunks: events, ...options };
}

export function apiError(code: number, status: string, message: string): Reply {
  return { error: { code, status, message } };
}

/** The API's 404 text for a model it does not serve, worded as recorded (pydantic-ai__error404-unknown-model.yaml). */
export function modelNotFoundMessage(model: string): string {
  return `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ModelService.ListModels to see the list of available models and their supported methods.`;
}

/** The last turn the client sent. */
export function lastTurn(request: RecordedRequest): Content {
  const content = request.body.contents.at(-1);
  if (!content) throw new Error('the request has no contents');
  return content;
}

/** The function responses in the last turn the client sent. */
export function functionResponses(request: RecordedRequest): FunctionResponse[] {
  return (lastTurn(request).parts ?? []).flatMap((part) => (part.functionResponse ? [part.functionResponse] : []));
}

/** `response.output` of the `index`-th function response of the last turn. */
export function outputOf(request: RecordedRequest, index = 0): string {
  const output = functionResponses(request)[index]?.response?.output;
  if (typeof output !== 'string') throw new Error(`function response #${index} has no output`);
  return output;
}

/** The names of the functions the request declared. */
export function declaredFunctions(request: RecordedRequest): string[] {
  return (request.body.tools ?? []).flatMap((tool) => (tool.functionDeclarations ?? []).map((declaration) => declaration.name ?? ''));
}

// ---- The seed conversation ----

export const SEED_PROMPT = 'What is the sum of the first 50 prime numbers? Generate and run code.';

/** The seed's code: the primes demo's script (scripts/demos/primes.py), one copy for demo and tests. */
export const PRIMES_CODE = readFileSync(new URL('../../scripts/demos/primes.py', import.meta.url), 'utf8').trimEnd();

export const SEED_PREAMBLE = "I'll compute the first 50 primes and add them up.";

/** Local mode: the model calls run_python, then answers quoting the output it received. */
export function seedLocalTurns(): ScriptedTurn[] {
  return [
    {
      expect: (request) => {
        if (!declaredFunctions(request).includes('run_python')) throw new Error('run_python is not declared');
      },
      reply: reply([text(SEED_PREAMBLE), runPythonCall(PRIMES_CODE, 'call-1')]),
    },
    { reply: (request) => reply([text(`The sum of the first 50 prime numbers is ${outputOf(request).trim()}.`)]) },
  ];
}

/** examples/node/code-mode.mjs's model: one cell that calls the app's functions for every region, awaited so that it runs on every Node. */
export const GROWTH_CODE = [
  'growth = {}',
  'for region in await default_api.list_regions():',
  '    months = (await default_api.get_sales_data(region=region))["months"]',
  '    last_year, this_year = sum(months[:12]), sum(months[12:])',
  '    growth[region] = round(100 * (this_year - last_year) / last_year, 1)',
  'for region, pct in sorted(growth.items(), key=lambda kv: -kv[1])[:3]:',
  '    print(f"{region}: {pct:+.1f}%")',
].join('\n');

/** Code mode: the app's functions are not the model's own; run_python's description lists them, and one cell calls them. */
export function codeModeTurns(): ScriptedTurn[] {
  return [
    {
      expect: (request) => {
        const declared = declaredFunctions(request);
        if (declared.join() !== 'run_python') throw new Error(`the model should see run_python only; it sees ${declared.join(', ')}`);
        const description = request.body.tools?.[0]?.functionDeclarations?.[0]?.description ?? '';
        if (!description.includes('default_api.get_sales_data(region: str)')) throw new Error('run_python does not list get_sales_data');
      },
      reply: reply([text("I'll fetch every region's sales in one cell and compare the two years."), runPythonCall(GROWTH_CODE, 'call-1')]),
    },
    { reply: (request) => reply([text(`Year-on-year growth, top three:\n${outputOf(request).trim()}`)]) },
  ];
}

/** Server mode: Gemini runs the code itself and returns the parts in one response. */
export function seedServerTurns(): ScriptedTurn[] {
  return [
    {
      expect: (request) => {
        if (!request.body.tools?.some((tool) => tool.codeExecution)) throw new Error('codeExecution is not enabled');
      },
      reply: reply([
        text(SEED_PREAMBLE),
        { executableCode: { language: Language.PYTHON, code: PRIMES_CODE } },
        { codeExecutionResult: { outcome: Outcome.OUTCOME_OK, output: '5117\n' } },
        text('The sum of the first 50 prime numbers is 5117.'),
      ]),
    },
  ];
}
