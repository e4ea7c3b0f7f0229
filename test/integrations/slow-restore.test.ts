/**
 * A save is dropped only when it is refused or replaced, never because the machine was too busy
 * to boot from it in time: a restore that runs out of `limits.bootTimeoutMs` with its runtime
 * readable is a retryable `SandboxBootError` (the library's words say the machine was busy, not
 * that the runtime is missing), and the session keeps its save for the next call. Before, such a
 * timeout counted as the state's refusal: the call started a new interpreter, and the save was
 * gone for good. The interpreters here are stand-ins; the timeout's words are the library's own.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';
import { MemoryStateStore } from '../../src/integrations/shared/idle-save.js';
import { SessionRegistry } from '../../src/integrations/shared/session-registry.js';
import { SandboxBootError } from '../../src/sandbox/errors.js';
import type { PythonSandbox } from '../../src/sandbox/python-sandbox.js';
import { bootTimeout } from '../../src/sandbox/session/boot-timeout.js';
import { describeFailure } from '../../src/integrations/mcp/tools/server.js';

const RUNTIME = pathToFileURL(fileURLToPath(new URL('../../node_modules/pyodide/', import.meta.url))).href;

test('a boot that runs out of time with its runtime readable is retryable and says the machine was busy; one whose runtime cannot be read says where to look', async () => {
  const busy = await bootTimeout(1000, { indexURL: RUNTIME } as never);
  expect(busy).toMatchObject({ name: 'SandboxBootError', retryable: true });
  expect(busy.message).toMatch(/did not start within 1000 ms \(limits\.bootTimeoutMs\), though its runtime was read: the machine was too busy/);
  expect(busy.message).not.toMatch(/Check that/);
  const missing = await bootTimeout(1000, { indexURL: 'file:///no/such/folder/' } as never);
  expect(missing).toMatchObject({ retryable: false });
  expect(missing.message).toMatch(/Check that file:\/\/\/no\/such\/folder\/ serves the Pyodide runtime/);
});

test('a restore that times out on a busy machine keeps the save: the call fails retryably, and the next call restores it', async () => {
  const store = new MemoryStateStore(2 ** 20);
  let busyBoots = 1;
  const booted: ('fresh' | 'saved')[] = [];
  const create = async (_onProgress: unknown, savedState?: Uint8Array) => {
    if (savedState && busyBoots-- > 0) throw await bootTimeout(1000, { indexURL: RUNTIME } as never);
    booted.push(savedState ? 'saved' : 'fresh');
    return {
      bootPath: savedState ? 'saved' : 'fresh',
      saveState: async () => new Uint8Array(8),
      dispose: async () => undefined,
    } as unknown as PythonSandbox;
  };
  const registry = new SessionRegistry(
    { maxSessions: 4, idleMs: 600_000, interpreterIdleMs: 1000 },
    create,
    () => undefined,
    undefined,
    (id) => ({
      state: { store, key: id, lasting: false },
    }),
  );
  const session = registry.open('a');
  await session.use(async () => undefined);
  registry.sweep(Date.now() + 1001);
  await expect.poll(() => store.has('a'), { timeout: 5000, interval: 10 }).toBe(true);
  await expect.poll(() => session.hasInterpreter, { timeout: 5000, interval: 10 }).toBe(false);

  const failed = await session.use(async () => 'ran').catch((error: unknown) => error);
  expect(SandboxBootError.isInstance(failed) && failed.retryable).toBe(true);
  expect(store.has('a')).toBe(true);

  expect(await session.use(async () => 'ran')).toBe('ran');
  expect(booted).toEqual(['fresh', 'saved']);
  expect(session.takeDropped().note).toBeUndefined();
  await registry.closeAll();
});

test("the MCP server answers such a boot as a busy machine: when to call again, and that nothing was lost, without Deno's way out", async () => {
  const busy = await bootTimeout(1000, { indexURL: RUNTIME } as never);
  const said = describeFailure(busy, new AbortController().signal, 'deno');
  expect(said).toBe('Python could not start in time: the machine is too busy booting. Call again in 10 seconds; nothing of this session was lost.');
  const missing = describeFailure(await bootTimeout(1000, { indexURL: 'file:///no/such/folder/' } as never), new AbortController().signal, 'server');
  expect(missing).toMatch(/^Python could not start: Python did not start within 1000 ms \(limits\.bootTimeoutMs\)\. Check that/);
});
