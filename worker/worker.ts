/** Worker entry: waits for its channels, builds the engine and exposes it. Nothing else. */
import { expose } from 'comlink';
import { PyodideEngine } from './engine.js';
import { onInitMessage } from './endpoint.js';

onInitMessage((init) => expose(new PyodideEngine(init.events, init.interruptBuffer), init.rpc));
