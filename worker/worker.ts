/** Worker entry: waits for its channels, builds the engine and exposes it; a Node thread started ahead imports Pyodide meanwhile. */
import { expose } from 'comlink';
import { blockingEvents } from './code-calls/blocking-events.js';
import { PyodideEngine } from './engine.js';
import { callsEndpoint, onInitMessage, workerStartData } from './endpoint.js';
import { importPyodide } from './boot/pyodide-module.js';

onInitMessage(async (init) => {
  // Where plain calls wait with the thread blocked, the events port may now be a helper's (answer-relay.ts).
  const { events, receiver } = await blockingEvents(init.events, init.interruptBuffer);
  expose(new PyodideEngine(events, init.interruptBuffer, receiver), callsEndpoint(init));
});

// A Node thread started ahead of its sandbox imports Pyodide while it waits (src/sandbox/isolation/thread-ahead.ts).
void workerStartData().then(({ indexURL }) => {
  if (indexURL) importPyodide(indexURL).catch(() => undefined);
});
