/**
 * The checkpoints a sandbox keeps (`SandboxOptions.checkpoints`): each is a restart point's save
 * (session/restart-point.ts) kept on, so checkpoints cost no save of their own; bounded by count
 * and packed bytes, the oldest dropped first. A rewind drops those after the one it goes back to:
 * the timeline is one line, as a chat whose message was edited.
 */
import type { Checkpoint, CheckpointBounds, RestoredFrom, RunResult } from '../../shared/types.js';
import { SandboxStateError } from '../errors.js';
import type { SaveListener } from './restart-point.js';

/** The bounds `checkpoints: true` keeps. */
export const DEFAULT_CHECKPOINTS: Required<CheckpointBounds> = { maxCount: 20, maxBytes: 64 * 2 ** 20 };

const MAX_COUNT = 10_000;
const MAX_BYTES = 2 ** 31;

/**
 * `SandboxOptions.checkpoints` as bounds, or undefined when off.
 * @throws {TypeError | RangeError} a value that is not `true`, `false` or bounds in range.
 */
export function checkpointBounds(option: unknown): Required<CheckpointBounds> | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return DEFAULT_CHECKPOINTS;
  if (typeof option !== 'object' || option === null) throw new TypeError(`checkpoints must be true, false or { maxCount, maxBytes }; got ${String(option)}`);
  const { maxCount = DEFAULT_CHECKPOINTS.maxCount, maxBytes = DEFAULT_CHECKPOINTS.maxBytes, ...rest } = option as CheckpointBounds;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new TypeError(`checkpoints has no option ${unknown[0]} (it takes maxCount and maxBytes)`);
  if (!Number.isInteger(maxCount) || maxCount < 1 || maxCount > MAX_COUNT)
    throw new RangeError(`checkpoints.maxCount must be an integer from 1 to ${MAX_COUNT}`);
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_BYTES)
    throw new RangeError(`checkpoints.maxBytes must be an integer from 1 to ${MAX_BYTES}`);
  return { maxCount, maxBytes };
}

/** A state saved now, as a fork of the current state starts from it. */
export function savedNow(state: Uint8Array): { state: Uint8Array; savedAt: string } {
  return { state, savedAt: new Date().toISOString() };
}

/** A checkpoint and its bytes (the restart point's save: never copied). */
export interface KeptCheckpoint extends Checkpoint {
  state: Uint8Array;
}

/** A checkpoint as the sandbox's caller sees it: without its bytes. */
function shown({ id, run, bytes, savedAt }: Checkpoint): Checkpoint {
  return { id, run, bytes, savedAt };
}

export class Timeline implements SaveListener {
  private entries: KeptCheckpoint[] = [];
  private heldBytes = 0;
  private nextId = 1;
  /** Said by the next result (`RunResult.restoredFrom`). */
  private restored: RestoredFrom | undefined;
  /** Why the latest save since the latest checkpoint was not kept, and after which run. */
  private refusal: { run: number; reason: string } | undefined;
  /** The checkpoint of the restart point's latest save (or rewind): unset when that save was not kept. */
  private latest: KeptCheckpoint | undefined;

  constructor(
    private readonly bounds: Required<CheckpointBounds> | undefined,
    forkedFrom?: { id?: string; run?: number; savedAt: string },
  ) {
    if (forkedFrom) this.forked(forkedFrom);
  }

  get enabled(): boolean {
    return this.bounds !== undefined;
  }

  /** A save of the state after run `run` was kept: it is the newest checkpoint (one larger than `maxBytes` alone is not kept). */
  kept(state: Uint8Array, run: number): void {
    if (!this.bounds) return;
    this.refusal = this.latest = undefined;
    if (state.length > this.bounds.maxBytes) {
      this.refusal = { run, reason: `its ${state.length} bytes are over checkpoints.maxBytes (${this.bounds.maxBytes})` };
      return;
    }
    this.latest = { id: `c${this.nextId++}`, run, bytes: state.length, savedAt: new Date().toISOString(), state };
    this.entries.push(this.latest);
    this.heldBytes += state.length;
    while (this.entries.length > this.bounds.maxCount || this.heldBytes > this.bounds.maxBytes) this.heldBytes -= this.entries.shift()!.bytes;
  }

  /** A save of the state after run `run` was refused (a compiled library loaded): said when that state is asked for. */
  refused(run: number, reason: string): void {
    if (!this.bounds) return;
    this.refusal = { run, reason };
    this.latest = undefined;
  }

  /** The checkpoints, oldest first. */
  list(): Checkpoint[] {
    return this.entries.map(shown);
  }

  /**
   * The checkpoint `id`.
   * @throws {SandboxStateError} none kept by that id (the message says which are, and why the latest state is not).
   */
  get(id: unknown): KeptCheckpoint {
    const found = typeof id === 'string' ? this.entries.find((checkpoint) => checkpoint.id === id) : undefined;
    if (found) return found;
    return this.missing(typeof id === 'string' ? `checkpoint '${id.slice(0, 40)}'` : `checkpoint of type ${typeof id}`);
  }

  /**
   * The checkpoint of the restart point's latest save, when it holds the state as it is (`PythonSandbox.checkpointNow`).
   * @throws {SandboxStateError} that save was not kept (checkpoints off, refused, over `maxBytes`, or dropped since).
   */
  holding(): Checkpoint {
    const { latest } = this;
    if (latest && this.entries.includes(latest)) return shown(latest);
    return this.missing('checkpoint of its state as it is now');
  }

  /** @throws {SandboxStateError} always: no `what` is kept (the message says which are, and why the latest state is not). */
  private missing(what: string): never {
    const kept = this.entries.length > 0 ? `it keeps ${this.entries.map((c) => c.id).join(', ')}` : 'it keeps none';
    const off = this.enabled ? '' : ' (checkpoints are off: see SandboxOptions.checkpoints)';
    const refused = this.refusal ? `; the state after run ${this.refusal.run} was not kept: ${this.refusal.reason}` : '';
    throw new SandboxStateError(`This sandbox has no ${what}: ${kept}${off}${refused}. The sandbox is unchanged.`);
  }

  /** The sandbox went back to `checkpoint`: later ones are dropped, and the next result says so. */
  rewound(checkpoint: KeptCheckpoint): void {
    const at = this.entries.indexOf(checkpoint);
    for (const dropped of this.entries.splice(at + 1)) this.heldBytes -= dropped.bytes;
    this.refusal = undefined;
    this.latest = checkpoint;
    this.restored = {
      source: 'checkpoint',
      id: checkpoint.id,
      savedAt: checkpoint.savedAt,
      note: `Python was rewound to checkpoint ${checkpoint.id} (after run ${checkpoint.run}): variables, imports and files are as they were then; what later runs did is gone.`,
    };
  }

  /** This sandbox is a fork started from `from`'s state (a checkpoint of it, or its state when forked): the first result says so. */
  private forked(from: { id?: string; run?: number; savedAt: string }): void {
    const what = from.id ? `its checkpoint ${from.id} (after run ${from.run})` : 'its state at the fork';
    this.restored = {
      source: 'fork',
      ...(from.id && { id: from.id }),
      savedAt: from.savedAt,
      note: `This sandbox is a fork of another, started from ${what}: what the other sandbox does from then on is not seen here, nor the other way round.`,
    };
  }

  /** `result` with its run number and, on the first result after a rewind or in a fork, where its state came from. */
  stamp(result: RunResult, run: number): RunResult {
    const restoredFrom = this.restored;
    this.restored = undefined;
    return { ...result, run, ...(restoredFrom && { restoredFrom }) };
  }

  /** The sandbox is disposed: the bytes go. */
  clear(): void {
    this.entries = [];
    this.heldBytes = 0;
  }
}
