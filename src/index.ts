/**
 * Public surface, export by export.
 */
export * from './sandbox-entry.js';
// Gemini parts from a run (imports @google/genai, so not in the sandbox entry).
export { toParts, resultOutputText } from './agent/run-python/parts.js';

// The agent loop: Gemini function calling against the local sandbox, or server-side execution.
// Its list lives in agent/index.ts, once.
export * from './agent/index.js';
