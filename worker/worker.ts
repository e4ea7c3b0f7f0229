/** Worker entry: waits for its channels, builds the engine and exposes it. Nothing else. */
import { expose } from 'comlink';
import { blockingEvents } from './code-calls/blocking-events.js';
import { PyodideEngine } from './engine.js';
import { onInitMessage } from './endpoint.js';

onInitMessage(async (init) => {
  // Where plain calls wait with the thread blocked, the events port may now be a helper's (answer-relay.ts).
  const { events, receiver } = await blockingEvents(init.events, init.interruptBuffer);
  expose(new PyodideEngine(events, init.interruptBuffer, receiver), init.rpc);
});
