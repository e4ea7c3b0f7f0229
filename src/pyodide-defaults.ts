/**
 * Facts about the interpreter that the host and the worker both rely on, kept in one place.
 * (Python reads the working directory from `HOME`, which the worker sets to `WORKDIR`.)
 */

/** The working directory user code starts in, and where user files live (Pyodide's home). */
export const WORKDIR = '/home/pyodide';

/** Where wheels come from unless `packageBaseUrl` says otherwise: the official CDN of the exact Pyodide version. */
export function defaultPackageBaseUrl(pyodideVersion: string): string {
  return `https://cdn.jsdelivr.net/pyodide/v${pyodideVersion}/full/`;
}
