/**
 * The engine inside the worker: boots Pyodide, runs cells through the Python runner, and answers
 * file calls. A plain class, so tests can drive it without a worker; it only joins the parts:
 * boot/, runs.ts, files/, packages/host-requests.ts, code-calls/ and stops/.
 */
import type {
  BootConfig,
  BootInfo,
  Bytes,
  FileTooLarge,
  HostEvent,
  PortLike,
  RestoredFile,
  RunRequest,
  WorkerApi,
  WorkerRunResult,
} from '../src/shared/protocol.js';
import type { FileInfo } from '../src/shared/types.js';
import { bootInterpreter } from './boot/boot.js';
import { packedState, saveInterpreter } from './snapshots/saved-state.js';
import { nextTask } from '../src/shared/memory/paced-bytes.js';
import { releaseBytes } from '../src/shared/memory/bytes.js';
import { isNode } from '../src/shared/is-node.js';
import { listFiles, readFile, writeFiles } from './files/file-calls.js';
import { HostRequests } from './packages/host-requests.js';
import { DefaultApi } from './code-calls/default-api.js';
import type { BlockingReceiver } from './code-calls/blocking-wait.js';
import { YieldingStops } from './stops/yielding-stops.js';
import type { Interpreter } from './interpreter.js';
import { Interrupts } from './stops/interrupts.js';
import { RunTurns } from './stops/run-turns.js';
import type { MustStop } from './stops/stop-poll.js';
import { LateStdlib } from './boot/late-stdlib.js';
import { Outbox } from './outbox.js';
import { Runs } from './runs.js';
import { TrampolinePick } from './snapshots/trampoline.js';

export class PyodideEngine implements WorkerApi {
  private py!: Interpreter;
  private stateKey: BootInfo['stateKey'];
  private readonly outbox: Outbox;
  private readonly interrupts: Interrupts;
  private readonly host: HostRequests;
  private readonly runs: Runs;
  private readonly functions: DefaultApi;
  private readonly stops: YieldingStops;
  /** The standard library, which a first visit's boot may get after the rest (see late-stdlib.ts). */
  private readonly stdlib = new LateStdlib();
  /** This runtime's C-call trampoline, put back after a restore (see trampoline.ts). */
  private readonly trampoline = new TrampolinePick();
  /** The event loop's callbacks, each allowed only in the run that scheduled it (see run-turns.ts). */
  private readonly turns = new RunTurns();
  /** Whether the current run must stop: one answer for every part that waits (see Runs `mustStop`). */
  private readonly mustStop: MustStop = () => this.runs.mustStop();
  /** The idle save going that gives way to a run (`saveState`'s `givesWay`). */
  private giving: AbortController | undefined;
  /** A staged boot's wait for its saved state (`restoreStaged`). */
  private giveStaged: ((state: Uint8Array) => void) | undefined;
  /** Settles once a staged boot waits for its state (`whenStaged`). */
  private markStaged!: () => void;
  private readonly staged = new Promise<void>((resolve) => (this.markStaged = resolve));

  /** `receiver`: where plain calls may wait for an answer with the thread blocked (blocking-wait.ts). */
  constructor(events: PortLike, interruptBuffer: SharedArrayBuffer | undefined, receiver?: BlockingReceiver) {
    this.outbox = new Outbox(events);
    this.interrupts = new Interrupts(interruptBuffer);
    this.host = new HostRequests(this.outbox, this.mustStop);
    const onHostEvent = (data: unknown) => {
      this.host.onHostEvent(data as HostEvent);
      this.functions.onHostEvent(data as HostEvent);
    };
    this.functions = new DefaultApi(this.outbox, this.mustStop, this.interrupts, {
      receiver,
      dispatch: onHostEvent,
    });
    this.stops = new YieldingStops(this.mustStop);
    this.runs = new Runs(this.outbox, this.interrupts, this.stdlib, this.host, this.functions, this.stops, this.turns);
    events.addEventListener('message', (event) => onHostEvent(event.data));
    events.start();
  }

  async boot(config: BootConfig): Promise<BootInfo> {
    const later = config.restoreLater
      ? { state: new Promise<Uint8Array>((resolve) => (this.giveStaged = resolve)), waiting: () => this.markStaged() }
      : undefined;
    const { interpreter, info } = await bootInterpreter(
      config,
      {
        outbox: this.outbox,
        interrupts: this.interrupts,
        mustStop: this.mustStop,
        stdlib: this.stdlib,
        trampoline: this.trampoline,
        fetchPackage: (fileName) => this.host.fetchPackage(fileName),
        askIndex: (names) => this.host.askIndex(names),
        rawOutput: (stream, text) => this.runs.rawOutput(stream, text),
        stream: (chunk) => this.runs.stream(chunk),
      },
      later,
    );
    this.py = interpreter;
    this.stateKey = info.stateKey;
    this.runs.attach(interpreter);
    this.turns.attach(interpreter.pyodide);
    // Without the buffer, a stop from outside reaches Python only through its yields (JSPI).
    const yieldsForStops = !this.interrupts.fromHost && !yieldsTurnedOff() && (await this.stops.connect(interpreter.pyodide));
    return { ...info, yieldsForStops };
  }

  whenStaged(): Promise<void> {
    return this.staged;
  }

  restoreStaged(state: Uint8Array): void {
    this.giveStaged?.(state);
    this.giveStaged = undefined;
  }

  async installStdlib(stdlib: Bytes | { failed: string }): Promise<void> {
    if ('failed' in stdlib) this.stdlib.fail(stdlib.failed);
    else this.stdlib.arrive(stdlib);
    await this.stdlib.whenInstalled();
  }

  run(request: RunRequest): Promise<WorkerRunResult> {
    return this.runs.run(request);
  }

  cancel(runId: number): boolean {
    return this.runs.cancel(runId);
  }

  // Each call that runs Python clears the interrupt buffer first (see `Interrupts.clear`).
  reset(): void {
    this.interrupts.clear();
    this.py.runner.reset();
  }

  writeFile(path: string, data: Uint8Array): void {
    this.writeFiles([{ path, data, restored: false }]);
  }

  writeFiles(files: RestoredFile[]): void {
    this.interrupts.clear();
    writeFiles(this.py, files);
  }

  readFile(path: string, maxBytes?: number): Uint8Array | FileTooLarge {
    return readFile(this.py, path, maxBytes);
  }

  listFiles(): FileInfo[] {
    this.interrupts.clear();
    return listFiles(this.py);
  }

  async saveState(maxPackedBytes: number, givesWay = false): Promise<Uint8Array> {
    const saved = saveInterpreter(this.py, this.stateKey!);
    const giving = givesWay ? (this.giving = new AbortController()) : undefined;
    try {
      // The tasks queued first: a run's give-way that came while the memory was copied is heard here.
      if (giving) await nextTask();
      return await packedState(saved, maxPackedBytes, giving?.signal);
    } finally {
      if (giving && this.giving === giving) this.giving = undefined;
      // In a page, the copy of the memory's pages (megabytes after real work) is freed now, not at
      // a garbage collection an idle worker may not have for minutes. Not in Node: a pack that gave
      // way may leave a slice of it with zlib's thread pool.
      if (!isNode) releaseBytes(saved.pages);
    }
  }

  giveWay(): void {
    this.giving?.abort(new Error('the save gave way to a run'));
  }
}

/**
 * The bench's baseline (bench/stops.mjs): a worker script that sets this global before the
 * worker's own code runs has no yields, as plain pages had before them. Not an option: only the
 * worker script's author can set it before boot.
 */
function yieldsTurnedOff(): boolean {
  return (globalThis as { __sandboxYieldsOff?: unknown }).__sandboxYieldsOff === true;
}
