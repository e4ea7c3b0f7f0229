/** Worker entry: builds the engine and exposes it over comlink. Nothing else. */
import { expose } from 'comlink';
import { PyodideEngine } from './engine.js';
import { hostEndpoint } from './endpoint.js';

expose(new PyodideEngine(), await hostEndpoint());
