/**
 * `isolation: 'deno'` (Node): the worker runs inside a Deno process whose permissions are the
 * boundary, an OS process that may read the package's own files and nothing else: no other file,
 * no environment variable, no network, no subprocess, no FFI, unless the app opens reading or the
 * network (`DenoBoundary`). The worker inside has neither `Deno`, `process`, the Cache API nor
 * `Worker`, and reads through a link only inside what it may read (deno-worker-lockdown.ts); its
 * Deno folder cannot exist, so nothing it does is written to disk. Its stdin and stdout are
 * /dev/null, its environment is empty, and the sandbox's channels cross Node's IPC pipe, which
 * Python cannot reach (deno-relay.ts). Killing the process is the hard stop; interrupts reach
 * Python through the relay.
 */
import type { DenoBoundary } from '../../shared/types.js';
import { checkDenoRuns, findDeno } from './deno-binary.js';
import { denoRelaySource } from './deno-relay.js';
import { wireCodec } from './process-wire.js';
import { nextTurn } from '../../shared/memory/paced-bytes.js';
import { MAX_MESSAGE_BYTES } from './relay-gate.js';
import { type SpawnedWorker, nodeHolds } from './spawned-worker.js';

/** The tail of the process's stderr kept for an exit's reason; the rest is dropped, never shown. */
const STDERR_TAIL_CHARS = 2000;

export interface DenoSpawnOptions {
  boundary: DenoBoundary;
  /** Folders the process must read, as file: URLs: the worker script's and the runtime's. */
  runtimeFolders: string[];
  maxMessageChars: number;
}

/** The `deno run` flags for a boundary: only what is asked is allowed. */
export function denoPermissionFlags(boundary: DenoBoundary, runtimeFolders: string[]): string[] {
  const list = (values: readonly string[]) => values.join(',');
  const flags = [`--allow-read=${list([...runtimeFolders, ...(boundary.allowRead ?? [])])}`];
  if (boundary.allowNet === true) flags.push('--allow-net');
  else if (Array.isArray(boundary.allowNet) && boundary.allowNet.length > 0) flags.push(`--allow-net=${list(boundary.allowNet)}`);
  return flags;
}

export async function spawnDenoProcess(url: URL, options: DenoSpawnOptions): Promise<SpawnedWorker> {
  const [{ spawn }, { MessageChannel }, { fileURLToPath }, { join }, deno] = await Promise.all([
    import(/* @vite-ignore */ 'node:child_process'),
    import(/* @vite-ignore */ 'node:worker_threads'),
    import(/* @vite-ignore */ 'node:url'),
    import(/* @vite-ignore */ 'node:path'),
    findDeno(options.boundary.path),
  ]);
  // Beside the start: a working Deno answers long before the worker has booted.
  const hostRuns = checkDenoRuns(deno);
  hostRuns.catch(() => undefined);
  const runtimeFolders = options.runtimeFolders.map((url) => fileURLToPath(url));
  const { split, assembler } = wireCodec();
  // The worker's bytes over a megabyte come in parts ahead of their message, within the gate's bound (process-wire.ts).
  const incoming = assembler(MAX_MESSAGE_BYTES);
  const readFolders = [...runtimeFolders, ...(options.boundary.allowRead ?? [])];
  const relay = denoRelaySource({ workerUrl: url.href, maxMessageChars: options.maxMessageChars, maxMessageBytes: MAX_MESSAGE_BYTES, readFolders });
  const args = [
    'run',
    '--quiet',
    '--no-prompt',
    '--no-config',
    '--no-lock',
    '--no-npm',
    '--no-remote',
    ...denoPermissionFlags(options.boundary, runtimeFolders),
    `data:text/javascript;base64,${Buffer.from(relay).toString('base64')}`,
  ];
  const child = spawn(deno, args, {
    // The working folder is one it may read anyway: Deno.cwd() needs no permission.
    cwd: runtimeFolders[0],
    // Nothing of the host's environment: no keys, no tokens, no HOME. DENO_DIR names a folder that
    // cannot exist (inside the executable, a file): Deno keeps its caches in memory, so nothing the
    // worker does (a dynamic import's code cache, the Cache API) is written to the user's disk.
    // glibc's malloc (ignored elsewhere): with an arena per thread and big blocks kept after their
    // first free, the boot's buffers (snapshot, wasm) stayed resident; 2 arenas and big blocks
    // always mapped (so given back when freed) take 30 MiB off a session's Deno process.
    env: {
      DENO_NO_UPDATE_CHECK: '1',
      NO_COLOR: '1',
      DENO_DIR: join(deno, 'no-deno-dir'),
      MALLOC_ARENA_MAX: '2',
      MALLOC_MMAP_THRESHOLD_: '131072',
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'json',
  });
  const rpc = new MessageChannel();
  const events = new MessageChannel();
  let exitListener: ((reason: string, workerText?: string) => void) | undefined;
  // An exit that comes before the session listens (a Deno that dies at spawn) is told to it when it does.
  let exited = false;
  let exitedWith: [reason: string, workerText?: string] | undefined;
  let stderrTail = '';
  const exit = (reason: string, workerText?: string) => {
    if (exited) return;
    exited = true;
    exitedWith = [reason, workerText];
    exitListener?.(reason, workerText);
  };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderrTail = (stderrTail + text).slice(-STDERR_TAIL_CHARS);
  });
  let started = false;
  child.once('spawn', () => {
    started = true;
  });
  child.on('error', (error: Error) => exit(started ? `the Deno process's channel failed: ${error.message}` : `Deno could not start: ${error.message}`));
  // Until the worker speaks, Deno's stderr says why it could not start; after, Python can write there.
  let heard = false;
  child.on('exit', (code, signal) => {
    const detail = !heard && stderrTail.trim() ? `: ${stderrTail.trim().split('\n').slice(-3).join(' ')}` : '';
    exit(`the Deno process exited (${signal ?? `code ${code}`})${detail}`);
  });
  child.on('message', (message: unknown) => {
    if (!Array.isArray(message)) return;
    if (message[0] === 'bytes-start' || message[0] === 'bytes') {
      const refused = incoming.take(message);
      if (refused) {
        exit(`the Deno process sent ${refused}; it was stopped as misbehaving`);
        child.kill('SIGKILL');
      }
      return;
    }
    if (typeof message[1] !== 'string') return;
    const [channel, text, workerText] = message as [string, string, unknown];
    if (channel === 'exit') {
      exit(text, typeof workerText === 'string' ? workerText : undefined);
      child.kill('SIGKILL');
    } else if (channel === 'rpc' || channel === 'events') {
      heard = true;
      let decoded: { value: unknown; transfer: ArrayBuffer[] };
      try {
        decoded = incoming.decode(text);
      } catch {
        return;
      }
      // Transferred, not copied: a saved interpreter's memory is hundreds of megabytes.
      (channel === 'rpc' ? rpc : events).port2.postMessage(decoded.value, decoded.transfer);
    }
  });
  // One message at a time, its parts each written before the next is made, the event loop turning between them.
  // A message without parts, with none before it still going, is sent at once (an interrupt after it stays after it).
  let sending: Promise<void> | undefined;
  const sendPart = (part: unknown[]) => new Promise<void>((resolve) => child.send(part, () => resolve()));
  const forward = (name: 'rpc' | 'events') => (event: unknown) => {
    if (exited || !child.connected) return;
    const { text, parted, parts } = split(event);
    if (!parted && !sending) return void child.send([name, text]);
    const sent: Promise<void> = (sending ?? Promise.resolve()).then(async () => {
      for (const part of parts()) {
        if (exited || !child.connected) return;
        await sendPart(part);
        // The send's callback can come within the same turn: the event loop turns between parts.
        await nextTurn();
      }
      if (!exited && child.connected) child.send([name, text]);
    });
    sending = sent;
    void sent.finally(() => {
      if (sending === sent) sending = undefined;
    });
  };
  rpc.port2.on('message', forward('rpc'));
  events.port2.on('message', forward('events'));
  // As with a worker thread: an idle sandbox must not keep Node alive, a pending call must.
  const handles = [rpc.port1, events.port1, rpc.port2, events.port2];
  const unref = () => {
    handles.forEach((h) => h.unref());
    child.unref();
    child.channel?.unref();
    (child.stderr as { unref?: () => void } | null)?.unref?.();
  };
  unref();
  return {
    rpc: rpc.port1,
    events: events.port1,
    interruptible: true,
    readsBlobs: Promise.resolve(false),
    interrupt() {
      if (!exited && child.connected) child.send(['interrupt']);
    },
    async terminate() {
      exited = true;
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        // Awaited, the exit must keep Node alive: an unref'd child let `await dispose()` end the script (exit code 13).
        child.ref();
        child.kill('SIGKILL');
        await gone;
      }
      rpc.port2.close();
      events.port2.close();
    },
    onExit(listener) {
      exitListener = listener;
      if (exitedWith) listener(...exitedWith);
    },
    hostRuns,
    hold: nodeHolds(() => {
      handles.forEach((h) => h.ref());
      child.ref();
      child.channel?.ref();
      (child.stderr as { ref?: () => void } | null)?.ref?.();
    }, unref),
  };
}
