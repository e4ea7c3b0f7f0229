/**
 * worker/snapshots/trampoline.ts: the C-call trampoline this runtime's preRun picked survives a snapshot
 * restore that overwrote it. (End to end: the browser test of a first visit's late standard
 * library, whose import waits through JSPI, which cannot suspend through the JS trampoline.)
 */
import { describe, expect, it } from 'vitest';
import { TrampolinePick } from '../../worker/snapshots/trampoline.js';

/** A stand-in for Emscripten: runs the module's own preRun (which picks), then the settings' ones. */
function fakeCreate(pick: number) {
  const OFFSET_AT = 64;
  const RUNTIME = 1024;
  const OFFSET = 40;
  const module = { HEAP32: new Int32Array(1024), __PyRuntime: RUNTIME, __PyEM_EMSCRIPTEN_TRAMPOLINE_OFFSET: OFFSET_AT };
  module.HEAP32[OFFSET_AT >> 2] = OFFSET;
  const word = (RUNTIME + OFFSET) >> 2;
  const create = async (settings: { preRun?: unknown }) => {
    module.HEAP32[word] = pick; // the module's own preRun
    for (const callback of settings.preRun as Array<(m: typeof module) => void>) callback(module);
    return module;
  };
  return { create, module, word };
}

describe('the trampoline pick', () => {
  it("is put back after a restore overwrote it with the snapshot maker's", async () => {
    const pick = new TrampolinePick();
    const { create, module, word } = fakeCreate(7);
    await pick.wrap(create)({});
    module.HEAP32[word] = 0; // the restore: a snapshot made where the JS trampoline was picked
    pick.putBack();
    expect(module.HEAP32[word]).toBe(7);
  });

  it("keeps the settings' own preRun callbacks, and the settings object itself", async () => {
    const pick = new TrampolinePick();
    const { create } = fakeCreate(7);
    const ran: string[] = [];
    const settings = { preRun: [() => void ran.push('pyodide')] };
    await pick.wrap(create)(settings);
    expect(ran).toEqual(['pyodide']);
    expect(settings.preRun).toHaveLength(2);
  });

  it('does nothing where the module has no trampoline word', async () => {
    const pick = new TrampolinePick();
    const module = { HEAP32: new Int32Array(16) };
    await pick.wrap(async (settings) => {
      for (const callback of settings.preRun as Array<(m: unknown) => void>) callback(module);
    })({});
    expect(() => pick.putBack()).not.toThrow();
    expect([...module.HEAP32]).toEqual(new Array(16).fill(0));
  });
});
