/**
 * The MCP server's state folder (`stateDirectory`): idle interpreters saved as files, so a
 * restarted server, or another instance sharing the folder, restores them. Each file is named by a
 * SHA-256 of its key (which holds the handle or session id), so the folder's listing gives nobody
 * a handle to call with. Only the server's own process writes here (never the Deno process): each
 * save goes to a temporary name, then is renamed over the old one, so a reader sees a whole save
 * or the previous one. The folder's total bytes are bounded by the policy of state-eviction.ts
 * (one save at most half the bound; past it the largest saves go first, whichever instance wrote
 * them), each refusal and eviction named on stderr; a save not kept leaves no older one behind.
 * Files read back are hostile: only a regular file is read, and never past the bound
 * (state-file.ts); `restoreState` checks the rest.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { lstat, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { KeyedQueue, type StateStore } from '../../shared/idle-save.js';
import { largestPastBound, maxSaveBytes, overShare, toEvict } from '../../shared/state-eviction.js';
import { StateFileRefused, readStateFile } from './state-file.js';

const SUFFIX = '.state';
/** Beside a save, while its interpreter changes past it: a process that ends before saving again leaves it (`changedSince`). */
const CHANGING = '.changing';
const WHERE = 'state folder';

/** Saved interpreters as files in one folder, within a bound on their total bytes. */
export class StateFolder implements StateStore {
  private readonly queue = new KeyedQueue();

  /**
   * @param directory The folder (made if missing, readable by this user only).
   * @param maxBytes The bound on the folder's saves, in bytes.
   * @param say Where refusals and evictions are told (a line each): stderr for the command line.
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
      try {
        return await readStateFile(file, this.maxBytes);
      } catch (error) {
        if (error instanceof StateFileRefused) this.say(`refused the saved state ${basename(file)}: ${error.message}`);
        throw error;
      }
    });
  }

  save(key: string, bytes: Uint8Array): Promise<void> {
    return this.queue.run(key, async () => {
      const file = this.fileOf(key);
      try {
        if (bytes.length > maxSaveBytes(this.maxBytes)) throw this.refused(file, overShare(bytes.length, this.maxBytes, WHERE));
        // Unique per process and save, and not a `.state` name: a reader never sees half a save.
        const temporary = join(this.directory, `.${randomBytes(8).toString('hex')}.tmp`);
        try {
          await writeFile(temporary, bytes, { mode: 0o600 });
          await rename(temporary, file);
        } catch (error) {
          await rm(temporary, { force: true });
          throw error;
        }
      } catch (error) {
        // Not kept: the older save must not stand in for it.
        await rm(file, { force: true }).catch(() => undefined);
        throw error;
      }
      await rm(this.markOf(key), { force: true });
      await this.evictPast(file);
    });
  }

  delete(key: string): Promise<void> {
    return this.queue.run(key, async () => {
      await rm(this.fileOf(key), { force: true });
      await rm(this.markOf(key), { force: true });
    });
  }

  /** An empty file beside the save (`.changing`), which the next save or delete removes. */
  markChanging(key: string): Promise<void> {
    return this.queue.run(key, () => writeFile(this.markOf(key), '', { mode: 0o600 }));
  }

  async changedSince(key: string): Promise<Date | undefined> {
    const [save, mark] = await Promise.all([lstat(this.fileOf(key)).catch(() => undefined), lstat(this.markOf(key)).catch(() => undefined)]);
    return save?.isFile() && mark ? save.mtime : undefined;
  }

  private markOf(key: string): string {
    return join(this.directory, `${digest(key)}${CHANGING}`);
  }

  /**
   * Deletes the largest saves until the folder is within its bound (state-eviction.ts).
   * @throws {Error} the one just written was among them: it was not kept.
   */
  private async evictPast(justWritten: string): Promise<void> {
    const names = (await readdir(this.directory)).filter((name) => name.endsWith(SUFFIX));
    const files = (
      await Promise.all(
        names.map(async (name) => {
          const path = join(this.directory, name);
          // Another instance may delete it meanwhile; a link counts as itself, not as what it names.
          const info = await lstat(path).catch(() => undefined);
          return info && { path, size: info.size, savedAt: info.mtimeMs };
        }),
      )
    ).filter((file) => file !== undefined);
    const written = files.find((file) => file.path === justWritten);
    const evicted = toEvict(files, written, this.maxBytes);
    for (const file of evicted) {
      await rm(file.path, { force: true });
      if (file !== written)
        this.say(
          `evicted the saved state ${basename(file.path)} (${file.size} bytes, saved ${new Date(file.savedAt).toISOString()}) to keep the state folder within ${this.maxBytes} bytes (the largest go first)`,
        );
    }
    if (written && evicted.includes(written)) throw this.refused(justWritten, largestPastBound(written.size, this.maxBytes, WHERE));
  }

  /** A save not kept, told on stderr; the error its session's note gives the reason of. */
  private refused(file: string, why: string): Error {
    this.say(`refused the save ${basename(file)}: ${why}; that session has no saved state (its older save is deleted)`);
    return new Error(why);
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
