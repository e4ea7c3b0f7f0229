/**
 * `skillsDirectory` (`--skills-dir`): the model's helpers in `skills/` kept in a folder of the
 * server's machine, so that a later session (the next stdio process, another HTTP session)
 * imports them as `skills.<name>`. Each new interpreter gets the folder's `<name>.py` files in
 * `skills/`, written as the host's files; each run's new or changed `skills/<name>.py` goes back
 * into the folder. Only skills' plain names cross, in both directions (skill-files.ts): never a
 * path the code chose, never `__init__.py`.
 */
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isSkillFile, isSkillPath } from '../../agent/run-python/skill-files.js';
import { base64ToBytes } from '../../sandbox/base64.js';
import type { PythonSandbox } from '../../sandbox/python-sandbox.js';
import type { FileOutput } from '../../types.js';

/** The most skills the folder takes from runs (a run may write thousands of files). */
const MAX_SKILLS = 100;

/** A skills folder: written into each new interpreter, and kept from each run. */
export class SkillsFolder {
  /**
   * @param folder The folder on this machine (made when a skill is first kept).
   * @param maxFileBytes A larger file is neither written in nor kept (the sandbox's `maxFileBytes`).
   */
  constructor(
    readonly folder: string,
    private readonly maxFileBytes: number,
  ) {}

  /** Writes the folder's skills into `skills/` of a new interpreter, as the host's files. */
  async writeInto(sandbox: PythonSandbox): Promise<string | undefined> {
    for (const name of await skillNames(this.folder)) {
      const data = await readFile(join(this.folder, name)).catch(() => undefined);
      if (data && data.length <= this.maxFileBytes) await sandbox.writeFile(`skills/${name}`, data);
    }
    return undefined;
  }

  /** Keeps the skills a run wrote in the folder (whole files: written beside, then renamed in place). */
  async keep(files: readonly FileOutput[]): Promise<string | undefined> {
    const written = files.filter((file) => !file.omitted && isSkillPath(file.path));
    if (written.length === 0) return undefined;
    try {
      await mkdir(this.folder, { recursive: true });
      const present = new Set(await skillNames(this.folder));
      for (const file of written) {
        const name = file.path.slice('skills/'.length);
        const data = base64ToBytes(file.data);
        if (data.length > this.maxFileBytes || (!present.has(name) && present.size >= MAX_SKILLS)) continue;
        const beside = join(this.folder, `.${name}.${process.pid}.tmp`);
        await writeFile(beside, data);
        await rename(beside, join(this.folder, name));
        present.add(name);
      }
    } catch (error) {
      // The run's result stands: a folder that cannot be written costs the later sessions only.
      process.stderr.write(`pyodide-code-execution: skills not saved to ${this.folder}: ${(error as Error).message}\n`);
    }
    return undefined;
  }
}

/** The skill files in the folder (none when it does not exist yet). */
async function skillNames(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && isSkillFile(entry.name))
    .map((entry) => entry.name)
    .slice(0, MAX_SKILLS);
}
