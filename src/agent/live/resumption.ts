/**
 * The session's resumption state from `sessionResumptionUpdate` messages: the latest handle the
 * server marked resumable, and whether the session could be resumed right now (it cannot while
 * the model generates or a function call is open: those updates carry no handle).
 */
import type { LiveServerSessionResumptionUpdate } from '@google/genai';

/** Longest handle kept (real ones are UUIDs, 36 characters). */
export const MAX_HANDLE_CHARS = 1_024;

export type ResumptionUpdate = { ok: true; update: LiveServerSessionResumptionUpdate } | { ok: false; reason: string };

export class Resumption {
  /** The latest resumable handle: a reconnect resumes from it. */
  handle: string | undefined;
  /** Whether the latest update said the session can be resumed now without losing anything. */
  resumableNow = false;

  /** @param handle A handle the session started from (`config.sessionResumption.handle`), if any. */
  constructor(handle?: string) {
    this.handle = handle;
  }

  /** Reads one update: a resumable one with a handle replaces the handle; any other says "not now". */
  read(raw: Record<string, unknown>): ResumptionUpdate {
    const { newHandle, resumable } = raw;
    if (resumable !== true) {
      this.resumableNow = false;
      return { ok: true, update: { resumable: false } };
    }
    if (typeof newHandle !== 'string' || newHandle === '' || newHandle.length > MAX_HANDLE_CHARS) {
      this.resumableNow = false;
      return { ok: false, reason: `a resumable sessionResumptionUpdate without a usable handle (a string of 1 to ${MAX_HANDLE_CHARS} characters)` };
    }
    this.handle = newHandle;
    this.resumableNow = true;
    const update: LiveServerSessionResumptionUpdate = { newHandle, resumable: true };
    if (typeof raw.lastConsumedClientMessageIndex === 'string' && raw.lastConsumedClientMessageIndex.length <= 32)
      update.lastConsumedClientMessageIndex = raw.lastConsumedClientMessageIndex;
    return { ok: true, update };
  }
}
