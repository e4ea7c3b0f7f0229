/**
 * What makes an ADK 2.0.0 `LlmAgent` run the code blocks its model writes, and give the model
 * their results. ADK has the steps (its code execution processors: before a request, the data-file
 * cells of `optimizeDataFile`; after a response, the response's first code block, run with the
 * agent's `codeExecutor` and recorded as events), but 2.0.0's agent leaves out the second, and
 * both are broken where they meet a model:
 * - No response processor runs code: `CodeExecutionResponseProcessor` is in the package, but not
 *   among `LlmAgent`'s response processors, nor exported. Without it no code block runs with any
 *   executor but Gemini's own.
 * - A result part holds its text as `text` only, while the next request reads
 *   `codeExecutionResult.output`: the model saw "undefined" for every result.
 * - The response's usage metadata, left behind when the step clears the response, became an event
 *   of its own, which ADK took for the final answer: the model was never asked again.
 * - A data file's part kept its `inlineData` beside the note that replaces it (ADK for Python
 *   replaces the part): Gemini refuses a part with two data fields (400 INVALID_ARGUMENT).
 * {@link withCodeExecution} wires ADK's own steps into an agent with these four mended.
 */
import {
  BaseLlmRequestProcessor,
  BaseLlmResponseProcessor,
  type Event,
  type InvocationContext,
  type LlmAgent,
  type LlmRequest,
  type LlmResponse,
} from '@google/adk';
import { isNode } from '../../shared/is-node.js';

/** ADK's processor module, in the build of ADK the app has (`dist/esm` in Node, `dist/web` in a page). */
interface AdkProcessorModule {
  CodeExecutionResponseProcessor: new () => BaseLlmResponseProcessor;
}

/** ADK's name for its code execution request processor (kept through minifiers: ADK's build sets it). */
const ADK_REQUEST_STEP = 'CodeExecutionRequestProcessor';

/**
 * Makes `agent` run its model's code blocks with its `codeExecutor` (a {@link SandboxCodeExecutor})
 * and give each result to the model's next request: ADK's own code execution steps, with the
 * faults ADK 2.0.0 has there mended. Call it once, on the agent made with the executor.
 *
 * ```ts
 * const agent = withCodeExecution(new LlmAgent({ name, model, instruction, codeExecutor: new SandboxCodeExecutor() }));
 * ```
 * @returns The same agent.
 * @throws {TypeError} the agent has no code execution request step to mend (it was given `requestProcessors` without ADK's, or ADK changed).
 */
export function withCodeExecution<Agent extends LlmAgent>(agent: Agent): Agent {
  const at = agent.requestProcessors.findIndex((step) => step.constructor.name === ADK_REQUEST_STEP || step instanceof MendedRequestStep);
  if (at < 0) throw new TypeError(`withCodeExecution: the agent has no ${ADK_REQUEST_STEP} among its requestProcessors to wire in`);
  const step = agent.requestProcessors[at];
  if (!(step instanceof MendedRequestStep)) agent.requestProcessors[at] = new MendedRequestStep(step);
  if (!agent.responseProcessors.some((processor) => processor instanceof ResponseStep)) agent.responseProcessors.push(new ResponseStep());
  return agent;
}

/** ADK's request step (data-file cells, earlier code turned into text), with its result parts and data-file parts mended. */
class MendedRequestStep extends BaseLlmRequestProcessor {
  constructor(private readonly adks: BaseLlmRequestProcessor) {
    super();
  }

  override async *runAsync(invocationContext: InvocationContext, llmRequest: LlmRequest): AsyncGenerator<Event, void, void> {
    // ADK copies each result event into the request after yielding it: mended here, the copy is too.
    for await (const event of this.adks.runAsync(invocationContext, llmRequest)) yield withOutput(event);
    for (const content of llmRequest.contents) {
      for (const part of content.parts ?? []) {
        if (part.inlineData && typeof part.text === 'string' && part.text.includes('Available file: `')) part.inlineData = undefined;
      }
    }
  }
}

let adksResponseStep: Promise<BaseLlmResponseProcessor> | undefined;

/** ADK's response step (the response's first code block run with the agent's executor), with its result part and usage mended. */
class ResponseStep extends BaseLlmResponseProcessor {
  override async *runAsync(invocationContext: InvocationContext, llmResponse: LlmResponse): AsyncGenerator<Event, void, void> {
    const step = await (adksResponseStep ??= loadResponseStep());
    let events = 0;
    for await (const event of step.runAsync(invocationContext, llmResponse)) {
      // The first event is the model's response with its code: the response's usage is its own.
      if (events++ === 0 && llmResponse.usageMetadata && !event.usageMetadata) event.usageMetadata = llmResponse.usageMetadata;
      yield withOutput(event);
    }
    // The code ran and the response was cleared: nothing of it may remain to end the step.
    if (events > 0 && llmResponse.content === undefined) llmResponse.usageMetadata = undefined;
  }
}

/** The result part's text as its `codeExecutionResult.output` too, where ADK's next request reads it. */
function withOutput(event: Event): Event {
  for (const part of event.content?.parts ?? []) {
    if (part.codeExecutionResult && part.codeExecutionResult.output === undefined && typeof part.text === 'string') part.codeExecutionResult.output = part.text;
  }
  return event;
}

async function loadResponseStep(): Promise<BaseLlmResponseProcessor> {
  const module: AdkProcessorModule = isNode
    ? await import(/* @vite-ignore */ await nodeProcessorUrl())
    : await import('@google/adk/dist/web/agents/processors/code_execution_request_processor.js');
  return new module.CodeExecutionResponseProcessor();
}

/**
 * The processor's file in ADK's Node build, which the app's `import '@google/adk'` loads too (the
 * package exports no path into that build, so it is found from the package's folder): one copy of ADK.
 */
async function nodeProcessorUrl(): Promise<string> {
  const { createRequire } = await import('node:module');
  const { pathToFileURL } = await import('node:url');
  const packageJson = createRequire(import.meta.url).resolve('@google/adk/package.json');
  return new URL('dist/esm/agents/processors/code_execution_request_processor.js', pathToFileURL(packageJson)).href;
}
