/** The host's calls on the working directory: write files in, read one out, list them. */
import { transfer } from 'comlink';
import type { FileTooLarge, RestoredFile } from '../../src/shared/protocol.js';
import { WORKDIR } from '../../src/shared/pyodide-defaults.js';
import type { FileInfo } from '../../src/shared/types.js';
import type { Interpreter } from '../interpreter.js';
import { type ReadableFS, readWorkdirFile } from './workdir-read.js';

/**
 * Writes `files` and lets Python import the modules among them; a `restored` one (written back
 * after a restart) is not imported until a cell writes it (see restored.py).
 */
export function writeFiles({ pyodide, runner }: Interpreter, files: RestoredFile[]): void {
  for (const { path, data, restored } of files) {
    const full = `${WORKDIR}/${path}`;
    pyodide.FS.mkdirTree(full.slice(0, full.lastIndexOf('/')));
    pyodide.FS.writeFile(full, data);
    if (restored === true) runner.mark_restored(full);
  }
  runner.forget_workdir();
  if (files.some(({ path }) => path.endsWith('.py'))) pyodide.runPython('import importlib; importlib.invalidate_caches()');
}

export function readFile({ pyodide }: Interpreter, path: string, maxBytes?: number): Uint8Array | FileTooLarge {
  const answer = readWorkdirFile(pyodide.FS as unknown as ReadableFS, `${WORKDIR}/${path}`, maxBytes);
  // The bytes are a copy of the file already: handed over, not copied again.
  return answer instanceof Uint8Array ? transfer(answer, [answer.buffer]) : answer;
}

export function listFiles({ runner }: Interpreter): FileInfo[] {
  return JSON.parse(runner.list_files()) as FileInfo[];
}
