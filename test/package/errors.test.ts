/**
 * One error family: every error the library throws for its own reasons is a CodeExecutionError
 * with a stable `code` and `retryable`, and each kind's `isInstance` recognises it where
 * `instanceof` cannot: here, an error made by the built package (another copy of every class)
 * checked with the source's classes.
 */
import { describe, expect, test } from 'vitest';
import * as built from '../../dist/index.node.js';
import { BoundaryUnavailableError, SessionClosedError, SessionLimitError, ToolArgumentError } from '../../src/integrations/mcp/errors.js';
import {
  CodeExecutionError,
  InteractionError,
  LiveConnectError,
  ProtocolError,
  SandboxBootError,
  SandboxDisposedError,
  SandboxError,
  SandboxFileTooLargeError,
  SandboxStateError,
} from '../../src/index.js';

describe('the error family', () => {
  test.each([
    ['SandboxBootError', new SandboxBootError('no runtime'), 'boot-failed', false],
    ['SandboxDisposedError', new SandboxDisposedError(), 'disposed', false],
    ['ProtocolError', new ProtocolError('a malformed answer'), 'protocol', true],
    ['SandboxFileTooLargeError', new SandboxFileTooLargeError('a.bin', 10, 5), 'file-too-large', false],
    ['SandboxStateError', new SandboxStateError('its checksum does not match'), 'state-refused', false],
    ['InteractionError', new InteractionError('status', 'ended failed', { status: 'failed' }), 'interaction-status', true],
    ['InteractionError', new InteractionError('limit', 'too many events'), 'interaction-limit', false],
    ['LiveConnectError', new LiveConnectError('TEXT is not a supported modality', 1007), 'live-connect', false],
    ['SessionLimitError', new SessionLimitError('every session is busy'), 'session-limit', true],
    ['SessionClosedError', new SessionClosedError('closed'), 'session-closed', false],
    ['BoundaryUnavailableError', new BoundaryUnavailableError('Deno was not found'), 'boundary-unavailable', false],
    ['ToolArgumentError', new ToolArgumentError('run_python needs a "code" argument'), 'tool-arguments', false],
  ])('%s says what went wrong (%s) and whether to try again', (name, error, code, retryable) => {
    expect(error).toMatchObject({ name, code, retryable });
    expect(error).toBeInstanceOf(CodeExecutionError);
    expect(CodeExecutionError.isInstance(error)).toBe(true);
  });

  test("a kind's guard answers for its own kind and its subkinds, not its siblings", () => {
    const boot = new SandboxBootError('no runtime');
    expect([SandboxBootError, SandboxError, CodeExecutionError].map((kind) => kind.isInstance(boot))).toEqual([true, true, true]);
    expect([SandboxDisposedError, ProtocolError, InteractionError, LiveConnectError].map((kind) => kind.isInstance(boot))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(SandboxError.isInstance(new InteractionError('protocol', 'x'))).toBe(false);
  });

  test("errors of another copy of the library are recognised by this copy's guards, where instanceof fails", () => {
    const fromBuilt = new built.SandboxFileTooLargeError('a.bin', 10, 5);
    expect(fromBuilt).not.toBeInstanceOf(SandboxFileTooLargeError);
    expect(SandboxFileTooLargeError.isInstance(fromBuilt)).toBe(true);
    expect(SandboxError.isInstance(fromBuilt)).toBe(true);
    expect(built.SandboxError.isInstance(new SandboxFileTooLargeError('a.bin', 10, 5))).toBe(true);
    expect(LiveConnectError.isInstance(new built.LiveConnectError('refused'))).toBe(true);
  });

  test('plain errors and values are not in the family', () => {
    for (const value of [new Error('x'), Object.assign(new Error('x'), { name: 'SandboxError' }), 'SandboxError', null, undefined, 42])
      expect(CodeExecutionError.isInstance(value)).toBe(false);
  });

  test('the deprecated isInteractionError still answers, also for a copy older than the family (by name and reason)', () => {
    expect(built.isInteractionError(new InteractionError('limit', 'x'))).toBe(true);
    expect(built.isInteractionError(Object.assign(new Error('x'), { name: 'InteractionError', reason: 'status' }))).toBe(true);
    expect(built.isInteractionError(new Error('x'))).toBe(false);
  });
});
