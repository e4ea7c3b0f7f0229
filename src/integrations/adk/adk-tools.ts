/**
 * Code mode with ADK tools: a tool the model's Python calls as `await default_api.<name>(...)`
 * inside a cell, as many times as the code needs, instead of one model step per call. Each call
 * runs the tool's own `runAsync` with a tool context of the cell's invocation (its session, state
 * and artifacts), as ADK runs a tool the model calls.
 */
import { type BaseTool, Context, type InvocationContext } from '@google/adk';
import type { FunctionDeclaration } from '@google/genai';
import { parametersOf } from '../../agent/run-python/code-functions.js';
import type { SandboxFunction } from '../../shared/types.js';

/** What code mode needs of an ADK tool: `BaseTool`'s name, declaration and `runAsync`. */
export type AdkTool = Pick<BaseTool, 'name' | 'description' | '_getDeclaration' | 'runAsync'>;

/** Each tool's declaration, named as Python calls it (the tool's name). */
export function adkToolDeclarations(tools: readonly AdkTool[]): FunctionDeclaration[] {
  return tools.map((tool) => ({ ...tool._getDeclaration(), name: tool.name, description: tool.description }));
}

/** The sandbox functions of one cell: each tool, run with a tool context of the cell's invocation. */
export function adkToolFunctions(tools: readonly AdkTool[], invocationContext: InvocationContext): SandboxFunction[] {
  let calls = 0;
  return tools.map((tool) => {
    const declaration = { ...tool._getDeclaration(), name: tool.name };
    return {
      name: tool.name,
      description: tool.description,
      parameters: parametersOf(declaration),
      handler: (args) =>
        tool.runAsync({ args, toolContext: new Context({ invocationContext, functionCallId: `${invocationContext.invocationId}/code-${++calls}` }) }),
    };
  });
}
