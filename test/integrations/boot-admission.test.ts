/**
 * Boots wait their turn: at most `slots` interpreters boot at once in a server, the rest wait in
 * line, and a caller that waits past the line's bound is answered busy (the MCP server's words:
 * call again in 10 seconds) while its boot keeps its place. Before, every first call booted at
 * once: 30 Deno restores begun together on 2 cores ran past `limits.bootTimeoutMs`. The stand-in
 * interpreters here run out of their boot time when more than `slots` boot at once, as a
 * contended machine's do; each boot is held until the test lets it go, so what is counted is
 * boots at once, not time. Last, the built server with `--max-boots 1`: clients of both eras
 * whose first calls and restores come at once each get their own state back.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { BootAdmission } from '../../src/integrations/shared/boot-admission.js';
import { MemoryStateStore } from '../../src/integrations/shared/idle-save.js';
import { SessionRegistry } from '../../src/integrations/shared/session-registry.js';
import { describeFailure } from '../../src/integrations/mcp/tools/server.js';
import { BOOT_TIMEOUT_MS, savedFiles, stateFolders } from '../support/fixtures.js';
import { type ToolResult, connectHttp, runPythonServed, startHttpServer, textOf } from '../support/mcp.js';
import { connectModernHttp } from '../support/mcp-modern.js';
import type { PythonSandbox } from '../../src/sandbox/python-sandbox.js';
import { bootTimeout } from '../../src/sandbox/session/boot-timeout.js';

const RUNTIME = pathToFileURL(fileURLToPath(new URL('../../node_modules/pyodide/', import.meta.url))).href;
const stateFolder = stateFolders();
const SLOTS = 2;
/** How long a caller waits in line here before it is answered busy: the boots are held far longer. */
const WAIT_MS = 50;
const GIVE_BACK_MS = 60_000;
const BUSY = 'Python could not start in time: the machine is too busy booting. Call again in 10 seconds; nothing of this session was lost.';

/** A stand-in interpreter holding one variable, saved and restored with it. */
type Stand = PythonSandbox & { x: number };

/** Stand-in boots: counted, held until `open()`, and timed out when more than SLOTS run at once. */
function standIns() {
  const boots = { running: 0, most: 0, done: 0 };
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const create = async (_onProgress: unknown, savedState?: Uint8Array): Promise<PythonSandbox> => {
    boots.most = Math.max(boots.most, ++boots.running);
    try {
      await gate;
      // A machine with SLOTS cores: a boot beside more than that many runs out of its time.
      if (boots.most > SLOTS) throw await bootTimeout(1000, { indexURL: RUNTIME } as never);
      boots.done++;
      const stand = {
        x: savedState ? savedState[0] : 0,
        bootPath: savedState ? 'saved' : 'fresh',
        saveState: async () => new Uint8Array([stand.x]),
        dispose: async () => undefined,
      };
      return stand as unknown as Stand;
    } finally {
      boots.running--;
    }
  };
  return { boots, create, open };
}

let registry: SessionRegistry | undefined;
afterEach(() => registry?.closeAll());

function registryWith(create: ReturnType<typeof standIns>['create'], store = new MemoryStateStore(2 ** 20), waitMs = WAIT_MS) {
  const admission = new BootAdmission(SLOTS, waitMs);
  registry = new SessionRegistry(
    { maxSessions: 8, idleMs: 60 * GIVE_BACK_MS, interpreterIdleMs: GIVE_BACK_MS },
    create,
    () => undefined,
    undefined,
    (id) => ({
      admission,
      state: { store, key: id, lasting: false },
    }),
  );
  return { registry, store, admission };
}

/** Each call's answer, or the MCP server's words for its failure. */
async function answer<T>(call: Promise<T>): Promise<T | string> {
  return call.catch((error: unknown) => describeFailure(error, new AbortController().signal, 'deno'));
}

test('six first calls at once with two slots: two boot at a time, the others are told busy and keep their place, and each gets its answer on retry', async () => {
  const { boots, create, open } = standIns();
  const { registry } = registryWith(create);
  const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
  const sessions = ids.map((id) => registry.open(id));
  const first = sessions.map((session, i) =>
    answer(
      session.use(async (sandbox) => {
        (sandbox as Stand).x = i + 1;
        return (sandbox as Stand).x;
      }),
    ),
  );
  // The two booting are held: the four in line run out of their wait.
  const inLine = await Promise.race([Promise.all(first.slice(SLOTS)), new Promise((resolve) => setTimeout(resolve, 30_000, 'held'))]);
  expect(inLine).toEqual([BUSY, BUSY, BUSY, BUSY]);
  expect(sessions.map((session) => session.waitingToBoot)).toEqual([false, false, true, true, true, true]);
  open();
  expect(await Promise.all(first.slice(0, SLOTS))).toEqual([1, 2]);
  const retried = await Promise.all(
    sessions.slice(SLOTS).map((session, i) =>
      answer(
        session.use(async (sandbox) => {
          (sandbox as Stand).x = i + 3;
          return (sandbox as Stand).x;
        }),
      ),
    ),
  );
  expect(retried).toEqual([3, 4, 5, 6]);
  // No boot ran out of time, none ran beside more than SLOTS, and none was begun twice.
  expect(boots).toEqual({ running: 0, most: SLOTS, done: ids.length });
});

test('restores waiting in line keep their state: busy while they wait, their own x after', async () => {
  const first = standIns();
  first.open();
  const store = new MemoryStateStore(2 ** 20);
  const before = registryWith(first.create, store).registry;
  const ids = ['a', 'b', 'c', 'd'];
  for (const [i, id] of ids.entries()) await before.open(id).use(async (sandbox) => void ((sandbox as Stand).x = 10 + i));
  before.sweep(Date.now() + GIVE_BACK_MS + 1);
  await expect.poll(() => ids.filter((id) => store.has(id)), { timeout: 5000, interval: 10 }).toHaveLength(ids.length);

  // Each session comes back at once: the first SLOTS restore, the others wait in line.
  const { boots, create, open } = standIns();
  const { registry } = registryWith(create, store);
  const sessions = ids.map((id) => registry.open(id));
  const read = () => sessions.map((session) => answer(session.use(async (sandbox) => (sandbox as Stand).x)));
  const firstReads = read();
  expect(await Promise.all(firstReads.slice(SLOTS))).toEqual([BUSY, BUSY]);
  for (const id of ids) expect(store.has(id)).toBe(true);
  open();
  expect(await Promise.all(firstReads.slice(0, SLOTS))).toEqual([10, 11]);
  expect(await Promise.all(read())).toEqual([10, 11, 12, 13]);
  expect(sessions.map((session) => session.takeDropped().note)).toEqual([undefined, undefined, undefined, undefined]);
  expect(boots).toEqual({ running: 0, most: SLOTS, done: ids.length });
  await before.closeAll();
});

test('a session closed while its boot waits in line leaves the line without booting', async () => {
  const { boots, create, open } = standIns();
  // A long wait: the close, not the wait, ends the third call.
  const { registry, admission } = registryWith(create, undefined, 30_000);
  const sessions = ['a', 'b', 'c'].map((id) => registry.open(id));
  const calls = sessions.map((session) => answer(session.use(async () => 'ran')));
  await expect.poll(() => admission.waiting, { timeout: 5000, interval: 5 }).toBe(1);
  await registry.close('c');
  expect(admission.waiting).toBe(0);
  open();
  expect(await Promise.all(calls)).toEqual(['ran', 'ran', 'This session closed while its interpreter waited for a turn to boot.']);
  expect(boots).toMatchObject({ most: SLOTS, done: SLOTS });
});

test(
  'the server with --max-boots 1: first calls and restores of both eras at once each get their own x, none a boot error',
  async () => {
    const folder = stateFolder();
    // Interpreters given back after 2 of the 6 idle seconds, saved in the folder.
    const server = await startHttpServer(['--isolation', 'worker', '--max-boots', '1', '--idle-minutes', String(6 / 60), '--state-dir', folder]);
    const clients = await Promise.all([connectModernHttp(server.url), connectModernHttp(server.url), connectHttp(server.url)]);
    try {
      // A busy answer is called again, as its words ask (after a moment here: the line moves in seconds).
      const call = (i: number, args: Record<string, unknown>) => runPythonServed(clients[i], args, { waitMs: 1000, attempts: 120 });
      const first = await Promise.all(clients.map((_, i) => call(i, { code: `x = ${100 + i}\nx` })));
      const results = (answers: ToolResult[]) => answers.map((result) => result.structuredContent?.result ?? textOf(result));
      expect(results(first)).toEqual(['100', '101', '102']);
      const handles = first.map((result) => result.structuredContent?.handle);
      await expect.poll(() => savedFiles(folder), { timeout: 60_000, interval: 200 }).toHaveLength(3);
      const again = await Promise.all(clients.map((_, i) => call(i, { code: 'x', ...(handles[i] ? { handle: handles[i] } : {}) })));
      expect(results(again)).toEqual(['100', '101', '102']);
      expect(again.map((result) => result.structuredContent?.stateLost)).toEqual([false, false, false]);
      expect(server.stderr()).not.toMatch(/bootTimeoutMs/);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      await server.stop();
    }
  },
  4 * BOOT_TIMEOUT_MS,
);
