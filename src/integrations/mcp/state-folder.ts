/**
 * The MCP server's state folder (`stateDirectory`): idle interpreters saved as files, so a
 * restarted server, or another instance sharing the folder, restores them. Each file is named by a
 * SHA-256 of its key (which holds the handle or session id), so the folder's listing gives nobody
 * a handle to call with. Only the server's own process writes here (never the Deno process): each
 * save goes to a temporary name, then is renamed over the old one, so a reader sees a whole save
 * or the previous one. The folder's total bytes are bounded: past the bound the oldest saves (by
 * modification time, whichever instance wrote them) are deleted and named on stderr. Files read
 * back are hostile: their size is checked before they are read, and `restoreState` checks the rest.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyedQueue, type StateStore } from '../shared/idle-save.js';

const SUFFIX = '.state';

/** Saved interpreters as files in one folder, within a bound on their total bytes. */
export class StateFolder implements StateStore {
  private readonly queue = new KeyedQueue();

  /**
   * @param directory The folder (made if missing, readable by this user only).
   * @param maxBytes The bound on the folder's saves, in bytes.
   * @param say Where evictions are told (a line each): stderr for the command line.
   */
  constructor(
    readonly directory: string,
    readonly maxBytes: number,
    private readonly say: (line: string) => void,
  ) {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  }

  /** The file of `key`'s state: its SHA-256, hex. */
  fileOf(key: string): string {
    return join(this.directory, `${digest(key)}${SUFFIX}`);
  }

  has(key: string): boolean {
    return this.queue.busy(key) || existsSync(this.fileOf(key));
  }

  load(key: string): Promise<Uint8Array | undefined> {
    return this.queue.run(key, async () => {
      const file = this.fileOf(key);
      const size = await stat(file).then(
        (info) => info.size,
        () => undefined,
      );
      if (size === undefined) return undefined;
      if (size > this.maxBytes) throw new Error(`its file is ${size} bytes, over the folder's bound of ${this.maxBytes}`);
      return new Uint8Array(await readFile(file));
    });
  }

  save(key: string, bytes: Uint8Array): Promise<void> {
    return this.queue.run(key, async () => {
      if (bytes.length > this.maxBytes) throw new Error(`it is ${bytes.length} bytes, over the state folder's bound of ${this.maxBytes}`);
      const file = this.fileOf(key);
      // Unique per process and save, and not a `.state` name: a reader never sees half a save.
      const temporary = join(this.directory, `.${randomBytes(8).toString('hex')}.tmp`);
      try {
        await writeFile(temporary, bytes, { mode: 0o600 });
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      await this.evictPast(file);
    });
  }

  delete(key: string): Promise<void> {
    return this.queue.run(key, () => rm(this.fileOf(key), { force: true }));
  }

  /** Deletes the oldest saves until the folder is within its bound, the one just written last of all. */
  private async evictPast(justWritten: string): Promise<void> {
    const names = (await readdir(this.directory)).filter((name) => name.endsWith(SUFFIX));
    const files = (
      await Promise.all(
        names.map(async (name) => {
          const path = join(this.directory, name);
          // Another instance may delete it meanwhile.
          const info = await stat(path).catch(() => undefined);
          return info && { name, path, size: info.size, modified: info.mtimeMs };
        }),
      )
    ).filter((file) => file !== undefined);
    let total = files.reduce((sum, file) => sum + file.size, 0);
    files.sort((a, b) => Number(a.path === justWritten) - Number(b.path === justWritten) || a.modified - b.modified);
    for (const file of files) {
      if (total <= this.maxBytes) break;
      await rm(file.path, { force: true });
      total -= file.size;
      this.say(
        `evicted the saved state ${file.name} (${file.size} bytes, saved ${new Date(file.modified).toISOString()}) to keep the state folder within ${this.maxBytes} bytes`,
      );
    }
  }
}

/** The SHA-256 of a state's key, hex: its file's name. */
function digest(key: string): string {
  return createHash('sha256').update(`pyodide-code-execution state\n${key}`).digest('hex');
}

/**
 * Claims `name` in the folder for this process (a lock file holding its pid), so two stdio
 * processes never share or overwrite one state; a lock left by a process that has ended is taken over.
 * @returns Releases the claim.
 * @throws {Error} a live process holds the name.
 */
export function claimStateName(directory: string, name: string): () => void {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const lock = join(directory, `${digest(`stdio name\n${name}`)}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lock, 'utf8').slice(0, 20));
      if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && alive(holder))
        throw new Error(`Another process (pid ${holder}) serves the state name "${name}" in ${directory}; start this one with another --state-name.`);
      rmSync(lock, { force: true });
    }
  }
  throw new Error(`Could not claim the state name "${name}" in ${directory}.`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
