/**
 * The checks the Interactions API makes on a create request that matter to an agent loop. Each
 * returns the error the service would send (status and message), or undefined when the request
 * is acceptable. Message texts the service is known to send are quoted from
 * `../shared/eval/recorded-gemini/interactions/quoted__interactions-errors.md`.
 */
import type { CreateBody, Step } from './wire.js';

export interface Refusal {
  code: number;
  status: string;
  message: string;
}

/** The 400 for a built-in tool beside function tools on the newest models (js-genai#1768, python-genai#2761), verbatim. */
export const TOOL_MIX_MESSAGE = 'Please enable tool_config.include_server_side_tool_invocations to use Built-in tools with Function calling.';

/** Step types the fake knows; others in input are refused as the API refuses an unknown oneof. */
const STEP_TYPES = new Set([
  'user_input',
  'model_output',
  'thought',
  'function_call',
  'function_result',
  'code_execution_call',
  'code_execution_result',
  'google_search_call',
  'google_search_result',
  'url_context_call',
  'url_context_result',
]);

export interface ValidationContext {
  /** Steps the server holds for `previous_interaction_id` (input and output of the stored chain). */
  stored: Step[];
  /** Signatures the fake issued: thought steps must bring theirs back unchanged. */
  issued: ReadonlySet<string>;
  /** Models that refuse code execution beside function tools. */
  toolMixModels: RegExp;
}

export function validateCreate(body: CreateBody, ctx: ValidationContext): Refusal | undefined {
  const bad = (message: string): Refusal => ({ code: 400, status: 'INVALID_ARGUMENT', message });
  if (typeof body.model !== 'string' || body.model === '') return bad('model is required.');
  for (const key of Object.keys(body)) {
    if (
      ![
        'model',
        'input',
        'tools',
        'system_instruction',
        'generation_config',
        'previous_interaction_id',
        'store',
        'stream',
        'background',
        'response_format',
      ].includes(key)
    )
      return bad(`Unknown parameter '${key}'.`);
  }
  if (body.store === false && body.previous_interaction_id) return bad('previous_interaction_id cannot be used with store=false.');
  const input = typeof body.input === 'string' ? [{ type: 'user_input', content: [{ type: 'text', text: body.input }] } as Step] : body.input;
  if (!Array.isArray(input) || input.length === 0) return bad('input is required.');
  for (const [index, step] of input.entries()) {
    if (!step || typeof step !== 'object' || !STEP_TYPES.has(step.type))
      return bad(`input[${index}]: unknown step type ${JSON.stringify((step as { type?: unknown })?.type)}.`);
  }
  return (
    checkTools(body, [...ctx.stored, ...input], ctx) ??
    checkCalls([...ctx.stored, ...input], ctx.stored.length) ??
    checkSignatures(input, ctx.issued) ??
    checkResultImages(input, body.model)
  );
}

/**
 * The 400 of a model without multimodal function results. Images inside a `function_result` are
 * documented for Gemini 3; no recording shows what the Interactions API answers an older model,
 * so this is modelled on generateContent's refusal (fake-gemini/validate.ts).
 */
export const RESULT_IMAGES_REFUSAL = 'Image content in function_result is not supported for this model.';

function checkResultImages(input: Step[], model: string): Refusal | undefined {
  if (!/^gemini-[12][.-]/.test(model)) return undefined;
  for (const [index, step] of input.entries()) {
    if (step.type === 'function_result' && Array.isArray(step.result) && step.result.some((block) => (block as { type?: unknown }).type === 'image'))
      return { code: 400, status: 'INVALID_ARGUMENT', message: `input[${index}]: ${RESULT_IMAGES_REFUSAL}` };
  }
  return undefined;
}

function checkTools(body: CreateBody, conversation: Step[], ctx: ValidationContext): Refusal | undefined {
  const tools = body.tools ?? [];
  const functions = tools.filter((tool) => tool.type === 'function');
  const builtIn = tools.filter((tool) => tool.type !== 'function');
  for (const tool of functions) {
    if (typeof tool.name !== 'string' || !/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,127}$/.test(tool.name))
      return { code: 400, status: 'INVALID_ARGUMENT', message: `Invalid function name ${JSON.stringify(tool.name)}.` };
  }
  if (functions.length > 0 && builtIn.length > 0 && ctx.toolMixModels.test(body.model ?? ''))
    return { code: 400, status: 'INVALID_ARGUMENT', message: TOOL_MIX_MESSAGE };
  const needsFunctions = conversation.some((step) => step.type === 'function_call' || step.type === 'function_result');
  if (needsFunctions && functions.length === 0)
    return { code: 400, status: 'INVALID_ARGUMENT', message: 'The conversation has function calls, but the request declares no function tools.' };
  const needsCodeExecution = conversation.some((step) => step.type === 'code_execution_call');
  if (needsCodeExecution && !builtIn.some((tool) => tool.type === 'code_execution'))
    return { code: 400, status: 'INVALID_ARGUMENT', message: 'The conversation has code execution steps, but the request does not enable code_execution.' };
  return undefined;
}

/** Every function result answers an earlier call of the conversation; every call is answered before the next user input. */
function checkCalls(conversation: Step[], storedCount: number): Refusal | undefined {
  const open = new Map<string, Step>();
  const answered = new Set<string>();
  for (const [index, step] of conversation.entries()) {
    const where = index >= storedCount ? `input[${index - storedCount}]` : `stored step ${index}`;
    if (step.type === 'function_call') open.set(step.id, step);
    if (step.type === 'function_result') {
      if (!open.has(step.call_id)) {
        return {
          code: 400,
          status: 'INVALID_ARGUMENT',
          message: `${where}: function_result call_id ${JSON.stringify(step.call_id)} does not match any function_call${answered.has(step.call_id) ? ' still open (answered twice)' : ''}.`,
        };
      }
      open.delete(step.call_id);
      answered.add(step.call_id);
    }
    if (step.type === 'user_input' && open.size > 0)
      return {
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: `${where}: function_call ${JSON.stringify([...open.keys()][0])} has no function_result before the next user input.`,
      };
  }
  if (open.size > 0) return { code: 400, status: 'INVALID_ARGUMENT', message: `function_call ${JSON.stringify([...open.keys()][0])} has no function_result.` };
  return undefined;
}

/** Thought signatures come back exactly as issued (an empty signature is echoed as empty). */
function checkSignatures(input: Step[], issued: ReadonlySet<string>): Refusal | undefined {
  for (const [index, step] of input.entries()) {
    if (step.type !== 'thought' && step.type !== 'function_call') continue;
    const signature = (step as { signature?: string }).signature;
    if (step.type === 'thought' && signature === undefined)
      return { code: 400, status: 'INVALID_ARGUMENT', message: `input[${index}]: thought step without its signature.` };
    if (signature && !issued.has(signature)) return { code: 400, status: 'INVALID_ARGUMENT', message: `input[${index}]: Corrupted thought signature.` };
  }
  return undefined;
}
