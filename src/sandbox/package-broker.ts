/**
 * Isolated mode: wheels are fetched by the trusted side for the sandbox. Only files named in the
 * lock file are served, only from the configured source, and only when their SHA-256 matches
 * the lock file, so a compromised worker can neither reach other URLs nor swap a package.
 */
interface LockEntry {
  file_name: string;
  sha256?: string;
}

export class PackageBroker {
  private readonly entries = new Map<string, LockEntry>();

  /**
   * @param lockFile the lock file's JSON text
   * @param baseUrl the configured package source; resolved lazily, since the default depends on the
   *   Pyodide version
   */
  constructor(
    lockFile: string,
    private readonly baseUrl: () => string,
  ) {
    const lock = JSON.parse(lockFile) as { packages?: Record<string, LockEntry> };
    for (const entry of Object.values(lock.packages ?? {})) {
      if (typeof entry?.file_name === 'string') this.entries.set(entry.file_name, entry);
    }
  }

  async fetch(fileName: unknown): Promise<ArrayBuffer> {
    const entry = typeof fileName === 'string' ? this.entries.get(fileName) : undefined;
    if (!entry) throw new Error(`not a package of the lock file: ${String(fileName).slice(0, 200)}`);
    const url = new URL(entry.file_name, this.baseUrl()).href;
    const response = await fetch(url);
    if (!response.ok) throw new Error(`could not fetch ${url} (HTTP ${response.status})`);
    const data = await response.arrayBuffer();
    if (entry.sha256) {
      const digest = await crypto.subtle.digest('SHA-256', data);
      const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
      if (hex !== entry.sha256) throw new Error(`${entry.file_name} does not match the lock file's SHA-256`);
    }
    return data;
  }
}
