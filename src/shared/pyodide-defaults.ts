/**
 * Facts about the interpreter that the host and the worker both rely on, kept in one place.
 * (Python reads the working directory from `HOME`, which the worker sets to `WORKDIR`.)
 */

/** The working directory user code starts in, and where user files live (Pyodide's home). */
export const WORKDIR = '/home/pyodide';

/** The official CDN's folder of the exact Pyodide version: its runtime and its wheels. */
export function defaultRuntimeUrl(pyodideVersion: string): string {
  return `https://cdn.jsdelivr.net/pyodide/v${pyodideVersion}/full/`;
}

/** Where wheels come from unless `packageBaseUrl` says otherwise: the official CDN of the exact Pyodide version. */
export const defaultPackageBaseUrl = defaultRuntimeUrl;
