/**
 * The policy both state stores (this process's memory, the MCP server's state folder) keep within
 * their bound by. One save may take at most half the bound ({@link maxSaveBytes}): a larger one is
 * refused, so no one session's save can fill the store by itself. Past the bound the largest saves
 * go first, the one just written among them, so a small save is never evicted to make room for
 * larger ones: one client's large idle saves push out each other (and its own newest, if that is the
 * largest), not every other client's. Of saves the same size, the oldest goes first.
 */

/** The most one save may take of a store whose bound is `maxBytes`: half of it. */
export function maxSaveBytes(maxBytes: number): number {
  return Math.floor(maxBytes / 2);
}

/** A save as the policy sees it. */
export interface HeldSave {
  /** Its bytes. */
  size: number;
  /** When it was written (ms since the epoch). */
  savedAt: number;
}

/**
 * The saves to evict, in order, for `held` to fit within `maxBytes`: the largest first; of equal
 * sizes the oldest first, `justWritten` last of them.
 * @param held Every save in the store, `justWritten` included.
 */
export function toEvict<T extends HeldSave>(held: readonly T[], justWritten: T | undefined, maxBytes: number): T[] {
  let total = held.reduce((sum, save) => sum + save.size, 0);
  const order = [...held].sort((a, b) => b.size - a.size || Number(a === justWritten) - Number(b === justWritten) || a.savedAt - b.savedAt);
  const evicted: T[] = [];
  for (const save of order) {
    if (total <= maxBytes) break;
    evicted.push(save);
    total -= save.size;
  }
  return evicted;
}

/** Why a save was refused: over a save's share of the bound. */
export function overShare(size: number, maxBytes: number, where: string): string {
  return `it is ${size} bytes, more than half the ${where}'s bound of ${maxBytes} bytes (${maxSaveBytes(maxBytes)}), the most one save may take`;
}

/** Why a save just written was evicted again: it was the largest past the bound. */
export function largestPastBound(size: number, maxBytes: number, where: string): string {
  return `at ${size} bytes it was the largest save when the ${where} passed its bound of ${maxBytes} bytes, and the largest go first`;
}
