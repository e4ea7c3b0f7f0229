/**
 * The `run_python` description for tools outside the Gemini loop: the loop's own manual for the
 * model (`runPythonDeclaration`), which says the code runs in the user's browser with no network.
 * Where it runs elsewhere (the MCP server, the AI SDK tool in Node), those two phrases are changed
 * to the truth, nothing else.
 */
import { runPythonDeclaration } from '../../agent/run-python/tool.js';

/**
 * Where the code runs, as the description tells the model. `browser`: a browser sandbox with no
 * network. `server`: a Node worker thread, not isolated from its machine. `deno`: a Deno process
 * whose permissions close the machine's files, environment, processes and (unless opened) network.
 */
export type RunPlace = 'browser' | 'server' | 'deno';

const PLACES: Record<RunPlace, string> = {
  browser: "(Pyodide, in the user's browser)",
  server: "(Pyodide, in a worker thread of the server's Node.js process, not isolated from its machine)",
  deno: "(Pyodide, in a locked-down Deno process that cannot reach the machine's files, environment variables or processes)",
};
const NO_NETWORK = 'There is no network access and pip is not available.';

/**
 * The description of a `run_python` tool.
 * @param options The per-run wall time, the files already in the working directory, where the
 * code runs, and its network (default: none in `browser` and `deno`, any in `server`; a list names the hosts).
 * @returns The loop's description, with its place and network told as they are.
 */
export function runPythonDescription(options: {
  timeoutMs: number;
  files?: readonly string[];
  place: RunPlace;
  network?: boolean | readonly string[];
}): string {
  const description = runPythonDeclaration({ timeoutMs: options.timeoutMs, files: options.files ?? [] }).description ?? '';
  const network = options.network ?? options.place === 'server';
  const told =
    network === false || (Array.isArray(network) && network.length === 0)
      ? NO_NETWORK
      : `Network requests work through pyodide.http.pyfetch${Array.isArray(network) ? ` to ${network.join(', ')} only` : ''}; pip is not available.`;
  return description.replace(PLACES.browser, PLACES[options.place]).replace(NO_NETWORK, told);
}

/** Where this code itself is running: Node (or another server runtime without a DOM) is the server. */
export function currentPlace(): RunPlace {
  const g = globalThis as { document?: unknown; WorkerGlobalScope?: unknown; process?: { versions?: { node?: string } } };
  if (g.document !== undefined || g.WorkerGlobalScope !== undefined) return 'browser';
  return g.process?.versions?.node ? 'server' : 'browser';
}
