/**
 * Where a `run_python` call's code runs and what network it has, as the tool description tells
 * the model: one answer for the chat (both APIs), Live, the callable tool, MCP and the AI SDK.
 */

/**
 * Where the code runs. `browser`: in the user's browser. `server`: a Node worker thread, not
 * isolated from its machine. `deno`: a Deno process whose permissions close the machine's files,
 * environment, processes and (unless opened) network.
 */
export type RunPlace = 'browser' | 'server' | 'deno';

/** Where the code runs and its network: `false` none, `true` any host, a list those hosts. */
export interface CodePlace {
  place: RunPlace;
  network: boolean | readonly string[];
}

/** The isolation a sandbox reports (`PythonSandbox.isolation`); a scripted sandbox may report none. */
export interface PlacedSandbox {
  readonly isolation?: 'frame' | 'worker' | 'deno';
}

/**
 * Where a sandbox's code runs. A frame has no network (its CSP); a browser's plain worker and a
 * Node worker thread have the network their host has; a Deno process has none unless opened,
 * which only its owner knows (MCP passes it).
 */
export function placeOf(sandbox: PlacedSandbox | undefined): CodePlace {
  const place = currentPlace();
  if (sandbox?.isolation === 'deno') return { place: 'deno', network: false };
  if (place === 'server') return { place, network: true };
  return { place, network: sandbox?.isolation === 'worker' };
}

/** Where this code itself is running: Node (or another server runtime without a DOM) is the server. */
export function currentPlace(): RunPlace {
  const g = globalThis as { document?: unknown; WorkerGlobalScope?: unknown; process?: { versions?: { node?: string } } };
  if (g.document !== undefined || g.WorkerGlobalScope !== undefined) return 'browser';
  return g.process?.versions?.node ? 'server' : 'browser';
}

const PLACES: Record<RunPlace, string> = {
  browser: "(Pyodide, in the user's browser)",
  server: "(Pyodide, in a worker thread of the server's Node.js process, not isolated from its machine)",
  deno: "(Pyodide, in a locked-down Deno process that cannot reach the machine's files, environment variables or processes)",
};

/** The description's phrase for where the code runs. */
export function placePhrase(place: RunPlace): string {
  return PLACES[place];
}

/** The description's sentence for the network (and pip, which is never there). */
export function networkSentence(network: boolean | readonly string[]): string {
  if (network === false || (Array.isArray(network) && network.length === 0)) return 'There is no network access and pip is not available.';
  const hosts = Array.isArray(network) ? ` to ${network.join(', ')} only` : '';
  return `Network requests work through pyodide.http.pyfetch${hosts}; pip is not available.`;
}
