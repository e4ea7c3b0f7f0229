/** How many sessions a server holds, and when an idle one lets go of its interpreter or closes. */
/** The bounds of a `SessionRegistry` (session-registry.ts). */
export interface SessionBounds {
  /** Sessions held at once; one more takes the place of the longest idle one, or is refused with `SessionLimitError` if all are running calls. */
  maxSessions: number;
  /** A session with no call for this long is passed to `onIdle`; 0: never. */
  idleMs: number;
  /** Calls one session may have running or queued at once; one more is refused. Default `DEFAULT_MAX_PENDING_CALLS` (16). */
  maxPendingCalls?: number;
  /**
   * A session with no call for this long (and less than `idleMs`) gives its interpreter back,
   * keeping the session: its next run boots a new one and says that earlier state is gone. 0 or
   * unset: never (the session keeps it until `idleMs`).
   */
  interpreterIdleMs?: number;
}

/**
 * When an HTTP session gives its interpreter back: after a third of its idle time (5 of the
 * default 15 minutes). Most clients never end their session, so a one-off use would otherwise
 * hold an interpreter (about 360 MB with the Deno boundary) until the session closes.
 */
export function interpreterIdleMs(idleMs: number): number {
  return idleMs / 3;
}
