/**
 * A Live `toolCallCancellation` of a running cell, on pages/live.html connected to the fake Live
 * server: one check shared by the Chromium suite and the other engines. On a plain page where the
 * engine has JSPI, Python yields for stops, so the cancel keeps the interpreter.
 */
import { expect } from 'vitest';
import type { FakeLiveConnection } from '../../fake-live/server.js';
import { cancellation, runPythonCall, toolCall } from '../../fake-live/scenarios.js';

/** `fn()` in the page (Playwright's `page.evaluate` or an engine page's). */
type Evaluate = <T>(fn: () => T | Promise<T>) => Promise<T>;

/**
 * A cell sets `kept`; the next loops until the server cancels it. The cancelled run keeps the
 * interpreter (`stateLost: false`, read from the page's record of every run: Live sends no result
 * for it), the next run reads `kept`, and only the first call is answered.
 */
export async function cancellationKeepsState(evaluate: Evaluate, server: FakeLiveConnection): Promise<void> {
  server.send(toolCall(runPythonCall('set', 'kept = 41')));
  await server.next('toolResponse', 30_000);
  server.send(toolCall(runPythonCall('spin', 'print("started", flush=True)\nwhile True:\n    pass')));
  await expect
    .poll(() => evaluate(() => (window as any).liveHarness.events.some((e: { type: string }) => e.type === 'output')), { timeout: 30_000 })
    .toBe(true);
  server.send(cancellation('spin'));
  await expect
    .poll(() => evaluate(() => (window as any).liveHarness.events.find((e: { type: string }) => e.type === 'call-cancelled')))
    .toMatchObject({ callId: 'spin', was: 'running' });
  // Only the cancel ends the loop this soon (its own 30 s deadline would end it otherwise).
  await expect.poll(() => evaluate(() => (window as any).liveHarness.runs.length), { timeout: 15_000 }).toBe(2);
  expect(await evaluate(() => (window as any).liveHarness.runs[1])).toMatchObject({ stateLost: false });
  const after = await evaluate(() => (window as any).liveHarness.runNow('kept + 1'));
  expect(after.result).toBe('42');
  expect(server.framesOf('toolResponse').map((frame) => frame.message.toolResponse.functionResponses[0].id)).toEqual(['set']);
}
