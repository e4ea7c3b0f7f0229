/**
 * The `run_python` description for tools outside the Gemini loop: the loop's own manual for the
 * model (`runPythonDeclaration`), which says the code runs in the user's browser. Where it runs
 * on a server (the MCP server, the AI SDK tool in Node) that one phrase is changed, nothing else.
 */
import { runPythonDeclaration } from '../../agent/run-python/tool.js';

/** Where the code runs, as the description tells the model. */
export type RunPlace = 'browser' | 'server';

const IN_BROWSER = "(Pyodide, in the user's browser)";
const ON_SERVER = '(Pyodide, on the server)';

/**
 * The description of a `run_python` tool.
 * @param options The per-run wall time, the files already in the working directory, and where the code runs.
 * @returns The loop's description, with its place adjusted.
 */
export function runPythonDescription(options: { timeoutMs: number; files?: readonly string[]; place: RunPlace }): string {
  const description = runPythonDeclaration({ timeoutMs: options.timeoutMs, files: options.files ?? [] }).description ?? '';
  return options.place === 'browser' ? description : description.replace(IN_BROWSER, ON_SERVER);
}

/** Where this code itself is running: Node (or another server runtime without a DOM) is the server. */
export function currentPlace(): RunPlace {
  const g = globalThis as { document?: unknown; WorkerGlobalScope?: unknown; process?: { versions?: { node?: string } } };
  if (g.document !== undefined || g.WorkerGlobalScope !== undefined) return 'browser';
  return g.process?.versions?.node ? 'server' : 'browser';
}
