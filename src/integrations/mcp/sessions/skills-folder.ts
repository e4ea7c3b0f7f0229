/**
 * `skillsDirectory` (`--skills-dir`): the model's helpers in `skills/` kept in a folder of the
 * server's machine, so that a later session (the next stdio process, another HTTP session)
 * imports them as `skills.<name>`. Each new interpreter gets the folder's skills in `skills/`,
 * written as the host's files; each run's new or changed skills go back into the folder. Only
 * skills' plain names cross, in both directions (skill-files.ts: never a path the code chose,
 * never `__init__.py`). A session can write what every later one loads, so both ways are bounded:
 * at most {@link MAX_SKILLS} files and {@link MAX_SKILLS_BYTES} in all, and what does not fit is
 * named to the model.
 */
import { mkdir, open, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isSkillFile, isSkillPath } from '../../../agent/run-python/skill-files.js';
import { base64ToBytes } from '../../../sandbox/files/base64.js';
import type { PythonSandbox } from '../../../sandbox/python-sandbox.js';
import type { FileOutput } from '../../../shared/types.js';

/** The most skills one interpreter gets, and the folder keeps from runs. */
export const MAX_SKILLS = 100;
/**
 * The most bytes of skills one interpreter gets, and the folder keeps from runs, in all: a few
 * hundred helpers' worth, and a small part of an interpreter's memory (a folder of 100 × 10 MB
 * added 19 s and 2.2 GB to every later session's first call).
 */
export const MAX_SKILLS_BYTES = 4 * 1024 * 1024;
/** Skill files looked at in the folder, beyond which the rest are left out unread. */
const MAX_LOOKED_AT = 10 * MAX_SKILLS;
/** Names a note lists; it counts the rest. */
const MAX_NAMED = 20;

/** A skills folder: written into each new interpreter, and kept from each run, within the bounds. */
export class SkillsFolder {
  private readonly maxFileBytes: number;

  /**
   * @param folder The folder on this machine (made when a skill is first kept).
   * @param maxFileBytes A larger skill is neither written in nor kept (the sandbox's `maxFileBytes`).
   */
  constructor(
    readonly folder: string,
    maxFileBytes: number,
  ) {
    this.maxFileBytes = Math.min(maxFileBytes, MAX_SKILLS_BYTES);
  }

  /**
   * Writes the folder's skills into `skills/` of a new interpreter, as the host's files: the
   * smallest first, as many as the bounds take.
   * @returns A note naming the skills left out, for the interpreter's first run; none when all fit.
   */
  async writeInto(sandbox: PythonSandbox): Promise<string | undefined> {
    const { skills, unread } = await this.list();
    const left: string[] = [];
    let count = 0;
    let total = 0;
    for (const { name, size } of [...skills].sort((a, b) => a.size - b.size || (a.name < b.name ? -1 : 1))) {
      const room = Math.min(this.maxFileBytes, MAX_SKILLS_BYTES - total);
      // Read no more than the size seen (one that has grown since is left out).
      const data = count < MAX_SKILLS && size <= room ? await readAtMost(join(this.folder, name), size) : undefined;
      if (!data) {
        left.push(name);
        continue;
      }
      await sandbox.writeFile(`skills/${name}`, data);
      count++;
      total += data.length;
    }
    if (left.length === 0 && unread === 0) return undefined;
    return `The skills folder holds more than one interpreter takes (${this.bounds()}): left out of this one, so they do not import: ${named(left, unread)}.`;
  }

  /**
   * Keeps the skills a run wrote in the folder, within the bounds (whole files: written beside,
   * then renamed in place).
   * @returns A note naming the skills not kept, for this run's output; none when all were.
   */
  async keep(files: readonly FileOutput[]): Promise<string | undefined> {
    const written = files.filter((file) => !file.omitted && isSkillPath(file.path));
    if (written.length === 0) return undefined;
    const notKept: string[] = [];
    try {
      await mkdir(this.folder, { recursive: true });
      const present = new Map((await this.list()).skills.map(({ name, size }) => [name, size]));
      let total = [...present.values()].reduce((sum, size) => sum + size, 0);
      for (const file of written) {
        const name = file.path.slice('skills/'.length);
        const data = base64ToBytes(file.data);
        const after = total - (present.get(name) ?? 0) + data.length;
        if (data.length > this.maxFileBytes || after > MAX_SKILLS_BYTES || (!present.has(name) && present.size >= MAX_SKILLS)) {
          notKept.push(name);
          continue;
        }
        const beside = join(this.folder, `.${name}.${process.pid}.tmp`);
        await writeFile(beside, data);
        await rename(beside, join(this.folder, name));
        present.set(name, data.length);
        total = after;
      }
    } catch (error) {
      // The run's result stands: a folder that cannot be written costs the later sessions only.
      process.stderr.write(`pyodide-code-execution: skills not saved to ${this.folder}: ${(error as Error).message}\n`);
    }
    if (notKept.length === 0) return undefined;
    return `Not kept in the skills folder for later sessions (${this.bounds()}): ${named(notKept, 0)}. They stay in this session's skills/.`;
  }

  private bounds(): string {
    const each = this.maxFileBytes < MAX_SKILLS_BYTES ? `, each within ${this.maxFileBytes.toLocaleString('en-US')} bytes` : '';
    return `at most ${MAX_SKILLS} skills and ${MAX_SKILLS_BYTES / 1024 / 1024} MiB in all${each}`;
  }

  /** The skill files in the folder with their sizes (none when it does not exist yet), and how many more were not looked at. */
  private async list(): Promise<{ skills: { name: string; size: number }[]; unread: number }> {
    const entries = await readdir(this.folder, { withFileTypes: true }).catch(() => []);
    // A link is not a skill: only files the folder itself holds.
    const names = entries.filter((entry) => entry.isFile() && isSkillFile(entry.name)).map((entry) => entry.name);
    const looked = names.slice(0, MAX_LOOKED_AT);
    const sizes = await Promise.all(
      looked.map((name) =>
        stat(join(this.folder, name)).then(
          (info) => ({ name, size: info.size }),
          () => undefined,
        ),
      ),
    );
    return { skills: sizes.filter((skill) => skill !== undefined), unread: names.length - looked.length };
  }
}

/** The file's bytes if it holds at most `max`; undefined if more, or unreadable. */
async function readAtMost(path: string, max: number): Promise<Uint8Array | undefined> {
  const file = await open(path, 'r').catch(() => undefined);
  if (!file) return undefined;
  try {
    const buffer = Buffer.alloc(max + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > max) return undefined;
    }
    return new Uint8Array(buffer.buffer, buffer.byteOffset, length);
  } catch {
    return undefined;
  } finally {
    await file.close();
  }
}

/** `a.py, b.py` and, past the first {@link MAX_NAMED}, how many more. */
function named(names: string[], more: number): string {
  const rest = Math.max(0, names.length - MAX_NAMED) + more;
  return `${names.slice(0, MAX_NAMED).join(', ')}${rest > 0 ? `${names.length > 0 ? ' and ' : ''}${rest} more` : ''}`;
}
