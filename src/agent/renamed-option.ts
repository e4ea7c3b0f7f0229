/**
 * Options renamed in this minor version keep their earlier name until the next one. Giving both
 * names is a TypeError, worded the same on every entry, so an app never runs with a value it did
 * not mean.
 */

/** Throws when both the current name and the deprecated one are given a value (`undefined` is not given). */
export function refuseBothNames(current: { name: string; value: unknown }, deprecated: { name: string; value: unknown }): void {
  if (current.value !== undefined && deprecated.value !== undefined)
    throw new TypeError(`${deprecated.name} and ${current.name} are both given; keep ${current.name} (${deprecated.name} is deprecated)`);
}
