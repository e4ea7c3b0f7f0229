/**
 * Which kept wheels go when the wheel store is over its bounds: the least recently used first,
 * until what is left fits. Every wheel a run downloads is kept (a package index's too, and the
 * index chooses their sizes), so without this the store grew by up to 256 MB a run, for good.
 */

/** Room for every lock-file package a data-science session loads (numpy, pandas, scipy, matplotlib… are ~60 MB) many times over. */
export const WHEEL_STORE_BOUNDS = { maxBytes: 512 * 1024 * 1024, maxWheels: 256 } as const;
export type WheelStoreBounds = { -readonly [K in keyof typeof WHEEL_STORE_BOUNDS]: number };

export interface StoredWheel {
  key: string;
  bytes: number;
  /** When it was last stored or read (ms since the epoch). */
  usedAt: number;
}

/** The keys to delete so that `stored` fits `bounds`, least recently used first. */
export function evictions(stored: readonly StoredWheel[], bounds: WheelStoreBounds): string[] {
  const newestFirst = [...stored].sort((a, b) => b.usedAt - a.usedAt);
  let bytes = 0;
  let kept = 0;
  const evicted: string[] = [];
  for (const wheel of newestFirst) {
    if (kept < bounds.maxWheels && bytes + wheel.bytes <= bounds.maxBytes) {
      kept++;
      bytes += wheel.bytes;
    } else evicted.push(wheel.key);
  }
  return evicted.reverse();
}
