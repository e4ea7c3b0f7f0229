/**
 * A session closed while idle is saved on its way out, and its key (a handle, a 2025 session id)
 * may be called again before that save is stored: the new session must start from that save, not
 * from the one before it, nor afresh. Before, its first call read the older save's state with
 * `stateLost: false` (a silent rollback). The interpreters here are stand-ins whose saves take a
 * while and carry the value they were saved with.
 */
import { expect, test } from 'vitest';
import { MemoryStateStore } from '../../src/integrations/shared/idle-save.js';
import { SessionRegistry } from '../../src/integrations/shared/session-registry.js';
import type { PythonSandbox } from '../../src/sandbox/python-sandbox.js';

test('a key called again while its closing save is being made starts from that save', async () => {
  const store = new MemoryStateStore(2 ** 20);
  const startedFrom: (number | undefined)[] = [];
  const create = async (_onProgress: unknown, savedState?: Uint8Array) => {
    let x = savedState?.[0];
    startedFrom.push(x);
    return {
      bootPath: savedState ? 'saved' : 'fresh',
      run: async (value: number) => void (x = value),
      saveState: async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return Uint8Array.of(x ?? 0);
      },
      dispose: async () => undefined,
    } as unknown as PythonSandbox;
  };
  const registry = new SessionRegistry(
    { maxSessions: 4, idleMs: 600_000 },
    create,
    () => undefined,
    undefined,
    (id) => ({
      state: { store, key: id, lasting: true },
    }),
  );
  const set = (sandbox: PythonSandbox, value: number) => (sandbox as unknown as { run(value: number): Promise<void> }).run(value);

  await registry.open('h').use((sandbox) => set(sandbox, 1));
  await registry.close('h');
  expect([...(await store.load('h'))!]).toEqual([1]);

  await registry.open('h').use((sandbox) => set(sandbox, 2));
  // Closed while idle: its save of x = 2 takes 300 ms. The key is called again at once.
  const closing = registry.close('h');
  const again = registry.open('h');
  await again.use(async () => undefined);
  await closing;
  expect(startedFrom).toEqual([undefined, 1, 2]);
  expect(again.takeDropped().note).toBeUndefined();
  await registry.closeAll();
});
