/**
 * The restart point's bookkeeping (src/sandbox/session/restart-point.ts) with stand-in sessions:
 * when it saves, what a replacement restores, and the fallback when the restore fails.
 * test/sandbox/restart-point.test.ts shows the same on real interpreters.
 */
import { describe, expect, test, vi } from 'vitest';
import { STATE_PAGE, mapLength, packState, unpackState } from '../../src/shared/memory/saved-state-format.js';
import type { Interpreters } from '../../src/sandbox/session/interpreters.js';
import { GivingWay } from '../../src/sandbox/session/giving-way.js';
import { RestartPoint } from '../../src/sandbox/session/restart-point.js';
import type { WorkerSession } from '../../src/sandbox/session/worker-session.js';

const KEY = { pyodideVersion: '314.0.0', sourceHash: 'abc' };
const session = (name: string) => ({ name, alive: true, info: { stateKey: KEY }, terminate: vi.fn(async () => {}) }) as unknown as WorkerSession;
/** A worker's save, packed as every worker packs it: 70 000 bytes of memory, every page kept. */
const MEMORY_BYTES = 70_000;
const state = (): Promise<Uint8Array> =>
  packState({
    key: KEY,
    base: null,
    header: new Uint8Array(16),
    memoryBytes: MEMORY_BYTES,
    pageMap: everyPage(MEMORY_BYTES),
    pages: new Uint8Array(MEMORY_BYTES).fill(7),
    heapSize: MEMORY_BYTES,
    files: [{ path: 'a.txt', data: new Uint8Array([1]) }],
  });

function setUp({ restoreFails = false, maxBytes = Number.POSITIVE_INFINITY } = {}) {
  let idle = true;
  const live = session('live');
  // As the sandbox's queue calls it: the worker's save of the live session, with the changes it holds.
  const save = vi.fn(() => point.saved(live, state));
  const point = new RestartPoint(true, save, () => idle, new GivingWay({ session: () => live, waiting: () => false }), maxBytes);
  const changed = () => point.changed();
  const fresh = session('fresh');
  const restoredFrom: Uint8Array[] = [];
  const interpreters = {
    replacement: vi.fn(async () => fresh),
    restored: vi.fn(async (s: Uint8Array) => {
      if (restoreFails) throw new Error('the restore failed');
      restoredFrom.push(s);
      return session('restored');
    }),
  } as unknown as Interpreters;
  return { point, save, changed, interpreters, restoredFrom, setIdle: (v: boolean) => (idle = v) };
}

describe('the restart point', () => {
  test('saves only when idle and something changed since the last save', async () => {
    const { point, save, changed, setIdle } = setUp();
    await point.whenSaved();
    expect(save).not.toHaveBeenCalled();
    changed();
    setIdle(false);
    await point.whenSaved();
    expect(save).not.toHaveBeenCalled();
    setIdle(true);
    await point.whenSaved();
    await point.whenSaved();
    expect(save).toHaveBeenCalledTimes(1);
    expect(point.heldBytes).toBeGreaterThan(0);
  });

  test('a save that says it holds more memory than the sandbox allows is not restored (an honest one would have been replaced): a fresh interpreter instead', async () => {
    const { point, save, changed, interpreters } = setUp({ maxBytes: 60_000 });
    changed();
    await point.whenSaved();
    expect(save).toHaveBeenCalledTimes(1);
    const { session, kept } = await point.replacement(session0(), interpreters, true);
    expect((session as unknown as { name: string }).name).toBe('fresh');
    expect(kept).toBeUndefined();
    expect(interpreters.restored).not.toHaveBeenCalled();
  });

  test('a replacement restores the saved memory and files, and undoes only the stopped run', async () => {
    const { point, changed, interpreters, restoredFrom } = setUp();
    changed();
    await point.whenSaved();
    changed(); // the run that is stopped
    const { session, kept } = await point.replacement(session0(), interpreters, true);
    expect((session as unknown as { name: string }).name).toBe('restored');
    expect(kept).toMatchObject({ stateLost: false });
    const restored = await unpackState(restoredFrom[0] as Uint8Array, KEY);
    expect(restored.files).toEqual([{ path: 'a.txt', data: new Uint8Array([1]) }]);
    expect(restored.pages).toEqual(new Uint8Array(MEMORY_BYTES).fill(7));
  });

  test('runs since the save are counted as undone too (stateLost)', async () => {
    const { point, changed, interpreters } = setUp();
    changed();
    await point.whenSaved();
    changed();
    changed();
    changed(); // the stopped one
    const { kept } = await point.replacement(session0(), interpreters, true);
    expect(kept).toMatchObject({ stateLost: true, restarted: expect.stringContaining('saved 2 runs before this one') });
  });

  test('a restore that fails falls back to a fresh interpreter (no account: the usual note), and the point is dropped', async () => {
    const { point, changed, interpreters } = setUp({ restoreFails: true });
    changed();
    await point.whenSaved();
    changed();
    const { session, kept } = await point.replacement(session0(), interpreters, true);
    expect((session as unknown as { name: string }).name).toBe('fresh');
    expect(kept).toBeUndefined();
    expect(point.restores).toBe(false);
    await point.replacement(session0(), interpreters, true);
    expect(interpreters.restored).toHaveBeenCalledTimes(1);
  });
});

function everyPage(memoryBytes: number): Uint8Array {
  const map = new Uint8Array(mapLength(memoryBytes));
  for (let page = 0; page * STATE_PAGE < memoryBytes; page++) map[page >> 3] |= 1 << (page & 7);
  return map;
}

function session0(): WorkerSession {
  return session('lost');
}
