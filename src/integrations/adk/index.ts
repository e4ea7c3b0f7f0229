/**
 * Google's Agent Development Kit adapter (`pyodide-code-execution/adk`): an ADK code executor that
 * runs the model's Python in the sandbox, one interpreter per ADK session, behind a Deno process in
 * Node and the opaque-origin frame in a page. `@google/adk` (2.x) is an optional peer dependency,
 * loaded only by this entry.
 *
 * @example
 * ```ts
 * import { InMemoryRunner, LlmAgent } from '@google/adk';
 * import { SandboxCodeExecutor, withCodeExecution } from 'pyodide-code-execution/adk';
 *
 * const codeExecutor = new SandboxCodeExecutor();
 * const agent = withCodeExecution(new LlmAgent({ name: 'analyst', model: 'gemini-flash-latest', codeExecutor }));
 * const runner = new InMemoryRunner({ agent, appName: 'analyst' });
 * ```
 */
export { SandboxCodeExecutor } from './code-executor.js';
export { withCodeExecution } from './code-execution.js';
export type { SandboxCodeExecutorOptions, AdkExecutorLimits } from './options.js';
export type { AdkTool } from './adk-tools.js';
export type { AgentLimits } from '../../agent/agent-limits.js';
export type { SandboxFunction, SandboxOptions, SandboxLimits, DenoBoundary } from '../../shared/types.js';
