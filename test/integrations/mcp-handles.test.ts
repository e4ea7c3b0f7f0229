/**
 * Handles, the state of clients without a session: minted by the server with 128 random bits
 * behind the instance's name, bounded in number with the sessions, forgotten when idle, and
 * whatever a client sends that is not a live handle of this instance (a number, another shape,
 * one byte off, another instance's, an evicted or expired one, a header naming another) leads to
 * no interpreter but a tool error that says the state is gone and how to start again.
 */
import { describe, expect, test } from 'vitest';
import { InterpreterHandles, MAX_HANDLE_CHARS } from '../../src/integrations/mcp/sessions/handles.js';
import { SessionRegistry } from '../../src/integrations/shared/session-registry.js';
import type { PythonSandbox } from '../../src/sandbox/python-sandbox.js';

/** Handles over a registry whose sandboxes are never booted (resolving one needs none). */
function handlesWith(bounds: { maxSessions: number; idleMs: number }, instance = 'alpha') {
  const registry: SessionRegistry = new SessionRegistry(
    bounds,
    () => Promise.reject(new Error('no sandbox in this test')) as Promise<PythonSandbox>,
    (id) => void registry.close(id),
  );
  return { registry, handles: new InterpreterHandles(registry, instance, bounds.idleMs) };
}

const START_AGAIN = /without a handle to start a new interpreter/;

describe('a minted handle', () => {
  test("names its instance and carries 128 random bits, and leads to its own interpreter and no other's", () => {
    const { handles, registry } = handlesWith({ maxSessions: 100, idleMs: 0 });
    const minted = Array.from({ length: 50 }, () => handles.mint());
    for (const { handle } of minted) {
      expect(handle).toMatch(/^alpha\.[A-Za-z0-9_-]{22}$/);
      // 22 base64url characters are 132 bits, of which the 16 random bytes fill 128.
      expect(Buffer.from(handle.split('.')[1], 'base64url')).toHaveLength(16);
    }
    expect(new Set(minted.map(({ handle }) => handle)).size).toBe(50);
    for (const { handle, session } of minted) expect(handles.resolve(handle).session).toBe(session);
    void registry.closeAll();
  });
});

describe('a call whose handle is not a live one of this instance', () => {
  const { handles } = handlesWith({ maxSessions: 4, idleMs: 0 });
  const { handle } = handles.mint();

  test.each([
    ['a number', 42],
    ['an object', { handle }],
    ['an empty string', ''],
    ['another shape', 'alpha-1234'],
    ['a handle with a character too many', `${handle}x`],
    ['an overlong string', 'a'.repeat(MAX_HANDLE_CHARS + 1)],
  ])('%s is told it is no handle, and how to start again', (_what, value) => {
    const resolved = handles.resolve(value);
    expect(resolved.session).toBeUndefined();
    expect(resolved.error).toMatch(/not a handle this server gave out/);
    expect(resolved.error).toMatch(START_AGAIN);
  });

  test('a guessed one (the last character changed) and an unknown one find no state', () => {
    const guessed = `${handle.slice(0, -1)}${handle.endsWith('A') ? 'B' : 'A'}`;
    for (const value of [guessed, 'alpha.AAAAAAAAAAAAAAAAAAAAAA']) {
      const resolved = handles.resolve(value);
      expect(resolved.session).toBeUndefined();
      expect(resolved.error).toMatch(/The Python state of this handle is gone/);
      expect(resolved.error).toMatch(START_AGAIN);
    }
  });

  test("another instance's handle (its instance died, and the balancer sent it here) is told the state went with that instance", () => {
    const other = handlesWith({ maxSessions: 4, idleMs: 0 }, 'beta').handles.mint().handle;
    const resolved = handles.resolve(other);
    expect(resolved.error).toMatch(/held by another server instance \("beta"\), which has stopped/);
    expect(resolved.error).toMatch(START_AGAIN);
  });

  test('an Mcp-Param-Handle header naming another handle than the argument: nothing runs; the same one, or none, is fine', () => {
    const { handle: second } = handles.mint();
    const mismatch = handles.resolve(handle, second);
    expect(mismatch.session).toBeUndefined();
    expect(mismatch.error).toMatch(/Mcp-Param-Handle header and the "handle" argument name different handles/);
    expect(handles.resolve(handle, handle).session).toBeDefined();
    expect(handles.resolve(handle, null).session).toBeDefined();
    expect(handles.resolve(handle).session).toBe(handles.resolve(handle, handle).session);
  });

  test("a header in SEP-2243's base64 form is compared decoded; one whose base64 is not canonical names no handle", () => {
    const encoded = `=?base64?${Buffer.from(handle).toString('base64')}?=`;
    expect(handles.resolve(handle, encoded).session).toBeDefined();
    expect(handles.resolve(handle, `=?base64?${Buffer.from(handle).toString('base64').replace(/=+$/, '')}?=`).error).toMatch(/name different handles/);
    expect(handles.resolve(handle, '=?base64?!!!!?=').error).toMatch(/name different handles/);
  });
});

describe('the bounds on handles', () => {
  test('at maxSessions a new handle takes the place of the longest idle one, whose calls are then told its state is gone', async () => {
    const { handles, registry } = handlesWith({ maxSessions: 2, idleMs: 0 });
    const first = handles.mint();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = handles.mint();
    const third = handles.mint();
    expect(registry.size).toBe(2);
    expect(handles.resolve(first.handle).error).toMatch(/replaced by newer interpreters at the server's bound/);
    expect(handles.resolve(second.handle).session).toBe(second.session);
    expect(handles.resolve(third.handle).session).toBe(third.session);
    await registry.closeAll();
  });

  test('a handle idle past idleMs is forgotten, and its calls are told how long it was unused', async () => {
    const { handles, registry } = handlesWith({ maxSessions: 4, idleMs: 60_000 });
    const { handle } = handles.mint();
    registry.sweep(Date.now() + 59_000);
    expect(handles.resolve(handle).session).toBeDefined();
    registry.sweep(Date.now() + 61_000);
    expect(handles.resolve(handle).error).toMatch(/gone \(unused for 1 minute,/);
    await registry.closeAll();
  });

  test('an instance name that could not route (upper case, a dot, too long) is refused', () => {
    for (const name of ['Alpha', 'a.b', 'a'.repeat(33), '']) expect(() => handlesWith({ maxSessions: 1, idleMs: 0 }, name)).toThrow(TypeError);
  });
});
