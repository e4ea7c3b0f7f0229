/**
 * Where Pyodide is told its wheels are: a URL that never reaches the network. Its fetches are
 * answered by the host (boot/runtime-fetch.ts, host-requests.ts `fetchPackage`), so every wheel,
 * the package index's too (cell-packages.ts), comes through the host's checks.
 */
export const VIRTUAL_PACKAGE_URL = 'https://pyodide.invalid/packages/';
