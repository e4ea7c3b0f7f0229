/**
 * Whether the widget installs packages from a package index on request: the reader's choice in
 * Settings, off until they turn it on, kept in this browser's localStorage (it is no secret; a
 * storage that cannot be used keeps it for the page only).
 */
const STORAGE_KEY = 'code-exec-chat:package-index';

/** The index the widget offers when its `package-index` attribute names none. */
export const PYPI_SIMPLE_URL = 'https://pypi.org/simple/';

export class PackageIndexChoice {
  private inMemory: boolean | undefined;

  get on(): boolean {
    if (this.inMemory !== undefined) return this.inMemory;
    try {
      return globalThis.localStorage?.getItem(STORAGE_KEY) === 'on';
    } catch {
      return false;
    }
  }

  set(on: boolean): void {
    this.inMemory = on;
    try {
      if (on) globalThis.localStorage?.setItem(STORAGE_KEY, 'on');
      else globalThis.localStorage?.removeItem(STORAGE_KEY);
    } catch {
      // Kept for this page only.
    }
  }
}
