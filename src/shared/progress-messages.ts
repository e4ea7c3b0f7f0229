/**
 * The progress messages a worker may show. Progress text reaches the user's page (a progress bar),
 * and the worker runs untrusted code, so the host shows only these: the engine's own sentences,
 * and Pyodide's package lines naming packages (of the lock file, where the host has it).
 */

/** The engine's own sentences, by what they announce. */
export const PROGRESS = {
  // A first visit restores the snapshot shipped in the package, a return visit the one it stored: "cache" fits only the second.
  restoring: 'Restoring Python from a snapshot',
  loadingRuntime: 'Loading the Python runtime (the first start takes a few seconds)',
  startingRunner: 'Starting the sandbox runner',
  ready: 'Python is ready',
  readyFromSnapshot: 'Python is ready (restored from a snapshot)',
  readyFromSaved: 'Python is ready (its saved state restored)',
  packagesReady: 'Packages ready',
  packagesFailed: 'Package load failed',
  askingIndex: 'Looking up packages on the package index',
} as const;

const OWN: ReadonlySet<string> = new Set([...Object.values(PROGRESS), 'No new packages to load']);
/** Pyodide's `loadPackage` lines: "Loading numpy, pandas", "Loaded …", "Failed to load …". */
const PACKAGE_LINE = /^(?:Loading|Loaded|Failed to load) ([A-Za-z0-9_.-]{1,64}(?:, [A-Za-z0-9_.-]{1,64}){0,63})$/;

/**
 * Whether the host may show `message`. `isPackage` says whether a name is a known package (the
 * lock file's, in isolated mode); without it any well-formed name passes.
 */
export function isShowableProgress(message: string, isPackage?: (name: string) => boolean): boolean {
  if (OWN.has(message)) return true;
  const names = PACKAGE_LINE.exec(message)?.[1];
  return names !== undefined && (!isPackage || names.split(', ').every(isPackage));
}
