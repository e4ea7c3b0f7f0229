/**
 * Sessions that went idle together give their interpreters back one after another: their saves at
 * once starved each other on a small machine (six behind the Deno boundary on 2 busy cores: one
 * missed its call timeout, and its state was lost). A session used while it waits in that line
 * keeps its interpreter. The interpreters here are stand-ins whose saves take a while.
 */
import { expect, test } from 'vitest';
import { MemoryStateStore } from '../../src/integrations/shared/idle-save.js';
import { SessionRegistry } from '../../src/integrations/shared/session-registry.js';
import type { PythonSandbox } from '../../src/sandbox/python-sandbox.js';

/** Long beside a stand-in's save, so a registry's own sweep gives nothing back while a test looks. */
const GIVE_BACK_MS = 2000;

/** A registry whose sessions save into one store, with stand-in interpreters; how many saves ran at once, at most. */
function registryOfSavers(saveMs: number) {
  const store = new MemoryStateStore(2 ** 20);
  const saves = { running: 0, most: 0, done: 0 };
  const create = async () =>
    ({
      saveState: async () => {
        saves.most = Math.max(saves.most, ++saves.running);
        await new Promise((resolve) => setTimeout(resolve, saveMs));
        saves.running--;
        saves.done++;
        return new Uint8Array(8);
      },
      dispose: async () => undefined,
    }) as unknown as PythonSandbox;
  const registry = new SessionRegistry(
    { maxSessions: 8, idleMs: 60 * GIVE_BACK_MS, interpreterIdleMs: GIVE_BACK_MS },
    create,
    () => undefined,
    undefined,
    (id) => ({
      state: { store, key: id, lasting: false },
    }),
  );
  return { registry, store, saves };
}

test('sessions idle together save one at a time, and every one is saved', async () => {
  const { registry, store, saves } = registryOfSavers(20);
  const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
  for (const id of ids) await registry.open(id).use(async () => undefined);
  registry.sweep(Date.now() + GIVE_BACK_MS + 1);
  await expect.poll(() => ids.filter((id) => store.has(id)), { timeout: 5000, interval: 10 }).toHaveLength(ids.length);
  expect(saves).toMatchObject({ most: 1, done: ids.length });
  for (const id of ids) expect(registry.get(id)?.hasInterpreter).toBe(false);
  await registry.closeAll();
});

test('a session used while it waits behind another save keeps its interpreter', async () => {
  // Real time: the registry's own sweeps would give it back only GIVE_BACK_MS after that call.
  const { registry, store, saves } = registryOfSavers(200);
  const first = registry.open('first');
  const second = registry.open('second');
  await first.use(async () => undefined);
  await second.use(async () => undefined);
  await new Promise((resolve) => setTimeout(resolve, GIVE_BACK_MS + 10));
  registry.sweep();
  // While the first session's save runs, a call to the second, which waits in line behind it.
  await second.use(async () => undefined);
  await expect.poll(() => store.has('first'), { timeout: 5000, interval: 5 }).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(saves.done).toBe(1);
  expect(store.has('second')).toBe(false);
  expect(second.hasInterpreter).toBe(true);
  await registry.closeAll();
});
