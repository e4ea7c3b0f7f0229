/**
 * The script the Deno process runs (deno-process.ts), as a data: URL: it starts the Python worker
 * as a Deno Worker, which inherits the process's permissions (read access to the package's own
 * files, nothing else unless the app opens it), and relays the worker's two channels to the Node
 * host over Node's IPC channel. Python reaches neither that channel (a worker has no
 * `process.send`) nor the process's stdin and stdout (both /dev/null).
 *
 * Kept small: everything it does is listed here. It obeys two commands from the host: a message
 * for a channel, and `interrupt` (Python's KeyboardInterrupt, through the buffer it shares with
 * the worker). A message from the worker that costs the host more than any honest answer, or
 * that no honest worker sends (relay-gate.ts), stops the worker and the process, like the
 * frame's gate. The process ends with its host, even while the worker floods it.
 */
import { SIGINT } from '../../shared/protocol.js';
import { lockDownWorkerScope } from './deno-worker-lockdown.js';
import { wireCodec } from './process-wire.js';
import { gateRefusal } from './relay-gate.js';
import { WORKER_ERROR } from './worker-error.js';

/** What the relay needs to know. */
export interface RelaySettings {
  workerUrl: string;
  maxMessageChars: number;
  maxMessageBytes: number;
  /** Folders the process may read (paths): the worker's file: fetches stay inside them. */
  readFolders: string[];
}

/** The relay's source (an ES module for `deno run`). */
export function denoRelaySource(settings: RelaySettings): string {
  return `
import process from 'node:process';
const settings = ${JSON.stringify(settings)};
const { split, assembler } = (${wireCodec.toString()})();
// The host's bytes over a megabyte come in parts ahead of their message (process-wire.ts); the
// host is trusted, and a saved interpreter it restores may be as large as wasm32's memory.
const incoming = assembler(2 ** 32);
const exit = (reason, workerText) => {
  process.send(['exit', reason, workerText]);
  setTimeout(() => process.exit(1), 50);
};
process.on('disconnect', () => process.exit(0));
// With its host gone the process must end, but 'disconnect' can wait behind a flood of the
// worker's messages (147 s once): each message, and a timer, check whether it was reparented.
const parent = Deno.ppid;
const orphaned = () => {
  if (Deno.ppid !== parent) process.exit(0);
};
setInterval(orphaned, 250);
const refusal = ${gateRefusal.toString()};
// The Python worker starts without Deno, process, the Cache API and Worker, and reads file: URLs
// only inside the folders it may read (deno-worker-lockdown.ts).
const lockDown = ${lockDownWorkerScope.toString()};
const bootstrap = '(' + lockDown + ')(' + JSON.stringify({ readFolders: settings.readFolders }) + '); await import(' + JSON.stringify(settings.workerUrl) + ');';
const worker = new Worker('data:text/javascript;base64,' + btoa(bootstrap), { type: 'module', name: 'python-sandbox' });
// Once the worker's script has loaded, its error's text is Python's: the crash is told in the library's words.
let loaded = false;
worker.addEventListener('error', (event) => {
  event.preventDefault();
  const text = String(event.message || 'failed to load the worker script').slice(0, 500);
  exit(loaded ? ${JSON.stringify(WORKER_ERROR)} : 'worker error: ' + text, loaded ? text : undefined);
});
const interrupt = new Uint8Array(new SharedArrayBuffer(1));
const channels = { rpc: new MessageChannel(), events: new MessageChannel() };
// The worker says when its script has loaded (worker/endpoint.ts); a message before that could be lost.
worker.addEventListener('message', function onLoaded(event) {
  if (event.data?.type !== 'python-sandbox-worker-loaded') return;
  worker.removeEventListener('message', onLoaded);
  loaded = true;
  worker.postMessage({ type: 'init', rpc: channels.rpc.port2, events: channels.events.port2, interruptBuffer: interrupt.buffer },
    [channels.rpc.port2, channels.events.port2]);
});
for (const [name, channel] of Object.entries(channels)) {
  channel.port1.onmessage = (event) => {
    orphaned();
    const refused = refusal(event.data, settings);
    if (refused) {
      worker.terminate();
      return exit('it sent ' + refused + ' (no answer within its limits does); it was stopped as misbehaving');
    }
    const { text, parts } = split(event.data);
    for (const part of parts()) process.send(part);
    process.send([name, text]);
  };
}
process.on('message', (message) => {
  if (!Array.isArray(message)) return;
  const [command, text] = message;
  if (command === 'interrupt') Atomics.store(interrupt, 0, ${SIGINT});
  else if (command === 'bytes-start' || command === 'bytes') incoming.take(message);
  else if ((command === 'rpc' || command === 'events') && typeof text === 'string') {
    const { value, transfer } = incoming.decode(text);
    channels[command].port1.postMessage(value, transfer);
  }
});
`;
}
