/**
 * A session evicted at `--max-sessions` is saved as it closes, and its client's next call waits for
 * that save rather than finding the folder without it: the handle read as gone ("state is gone",
 * a 2025 session 404) while its save was still being packed, though the save landed a moment
 * later. Found by `npm run soak` (bench/soak.mjs): 7 such losses on servers nobody killed.
 */
import { expect, test } from 'vitest';
import { MemoryStateStore } from '../../src/integrations/shared/idle-save.js';
import { SessionRegistry } from '../../src/integrations/shared/session-registry.js';
import type { PythonSandbox } from '../../src/sandbox/python-sandbox.js';
import { BOOT_TIMEOUT_MS, stateFolders } from '../support/fixtures.js';
import { connectHttp, startHttpServer, textOf } from '../support/mcp.js';
import { connectModernHttp } from '../support/mcp-modern.js';

const stateFolder = stateFolders();

test('a session closing is listed until its save is in the store', async () => {
  const store = new MemoryStateStore(2 ** 20);
  let packed!: () => void;
  const packing = new Promise<void>((resolve) => {
    packed = resolve;
  });
  const create = async () =>
    ({
      saveState: async () => {
        await packing;
        return new Uint8Array(8);
      },
      dispose: async () => undefined,
    }) as unknown as PythonSandbox;
  const registry = new SessionRegistry(
    { maxSessions: 2, idleMs: 600_000 },
    create,
    () => undefined,
    undefined,
    (id) => ({
      state: { store, key: id, lasting: true },
    }),
  );
  await registry.open('a').use(async () => undefined);
  void registry.close('a');
  expect(store.has('a')).toBe(false);
  const closing = registry.closingOf('a');
  expect(closing).toHaveLength(1);
  expect(registry.closingOf('b')).toEqual([]);
  packed();
  await Promise.all(closing);
  expect(store.has('a')).toBe(true);
  await registry.closeAll();
});

test(
  'a handle evicted at --max-sessions and called while its save is packed gets its own x back',
  async () => {
    const server = await startHttpServer(['--isolation', 'worker', '--max-sessions', '1', '--state-dir', stateFolder()]);
    const a = await connectModernHttp(server.url);
    try {
      // Random bytes do not compress: the save takes a while to pack.
      const first = await a.call('run_python', { code: 'import os\nblob = os.urandom(60_000_000)\nx = 7\nx' });
      const handle = first.structuredContent?.handle as string;
      expect(first.structuredContent?.result).toBe('7');
      // A 2025 initialize opens a session at once (no boot): it takes the place of the idle handle, whose close saves it.
      const b = await connectHttp(server.url);
      try {
        const again = await a.call('run_python', { code: 'x', handle });
        expect(textOf(again)).not.toMatch(/gone/);
        expect(again.structuredContent).toMatchObject({ result: '7', stateLost: false });
      } finally {
        await b.close();
      }
    } finally {
      await a.close();
      await server.stop();
    }
  },
  4 * BOOT_TIMEOUT_MS,
);
