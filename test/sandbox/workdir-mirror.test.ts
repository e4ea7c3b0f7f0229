import { describe, expect, it } from 'vitest';
import { MIRROR_MAX_PATH_CHARS, MIRROR_MAX_RUN_FILES, WorkdirMirror } from '../../src/sandbox/files/workdir-mirror.js';
import type { FileOutput } from '../../src/shared/types.js';

const MB = 1024 * 1024;

/** A run's file entry of `bytes` zero bytes (valid base64, as validateRunResult lets through). */
function runFile(path: string, bytes: number): FileOutput {
  return { path, mimeType: 'application/octet-stream', size: bytes, data: Buffer.alloc(bytes).toString('base64') };
}

describe('WorkdirMirror', () => {
  it('keeps what writeFile wrote whatever its size', () => {
    const mirror = new WorkdirMirror(1 * MB);
    mirror.written('big.bin', new Uint8Array(3 * MB));
    expect([...mirror.files()].map(({ path, data }) => [path, data.length])).toEqual([['big.bin', 3 * MB]]);
  });

  it('counts a file a run rewrote against the budget, even under a path writeFile once wrote', () => {
    const mirror = new WorkdirMirror(25 * MB);
    mirror.written('a.bin', new Uint8Array(1));
    mirror.written('b.bin', new Uint8Array(1));
    mirror.afterRun([runFile('a.bin', 20 * MB)], []);
    mirror.afterRun([runFile('b.bin', 20 * MB)], []);
    expect([...mirror.files()].map(({ path, data }) => [path, data.length])).toEqual([['a.bin', 20 * MB]]);
    expect(mirror.describeRestore()).toMatch(/except b\.bin, which could not be kept/);
  });

  it("decodes a run's files only when a restore takes them", () => {
    const mirror = new WorkdirMirror(25 * MB);
    mirror.afterRun([{ path: 'x.txt', mimeType: 'text/plain', size: 5, data: 'aGVsbG8=' }], []);
    const [{ path, data }] = [...mirror.files()];
    expect([path, new TextDecoder().decode(data)]).toEqual(['x.txt', 'hello']);
  });

  it("keeps a restored state's files under the runs' bounds, as data, and names those it passed over", () => {
    const keep = WorkdirMirror.keeper(25 * MB);
    const asked = [
      ['big.bin', 200 * MB],
      ['small.txt', 4],
      ['../escape.py', 1],
      ['rest.bin', 25 * MB],
    ] as const;
    expect(asked.map(([path, bytes]) => keep(path, bytes))).toEqual([false, true, false, false]);
    const mirror = new WorkdirMirror(25 * MB, { files: [{ path: 'small.txt', data: new Uint8Array(4) }], skipped: ['big.bin', 'rest.bin'] });
    expect([...mirror.files()].map(({ path, restored }) => [path, restored])).toEqual([['small.txt', true]]);
    expect(mirror.describeRestore()).toMatch(/except big\.bin, rest\.bin, which could not be kept/);
    // They count against the budget as a run's files do.
    mirror.afterRun([runFile('next.bin', 25 * MB)], []);
    expect(mirror.describeRestore()).toMatch(/next\.bin/);
  });

  it('does not write back a path outside the working directory', () => {
    const mirror = new WorkdirMirror(25 * MB);
    mirror.afterRun([{ ...runFile('../../etc/passwd', 3), path: '../../etc/passwd' }], []);
    expect([...mirror.files()]).toEqual([]);
  });
});

describe('WorkdirMirror bounds', () => {
  const names = (mirror: WorkdirMirror) => [...mirror.files()].map(({ path }) => path);

  it(`writes back at most ${MIRROR_MAX_RUN_FILES} files that runs wrote, however small, and names the rest as lost`, () => {
    const mirror = new WorkdirMirror(25 * MB);
    mirror.afterRun(
      Array.from({ length: MIRROR_MAX_RUN_FILES + 500 }, (_, i) => runFile(`f${i}.txt`, 0)),
      [],
    );
    expect(mirror.size).toBe(MIRROR_MAX_RUN_FILES);
    expect(mirror.describeRestore()).toMatch(/and 495 more, which could not be kept/);
  });

  it('bounds the characters of the names it keeps', () => {
    const mirror = new WorkdirMirror(25 * MB);
    const long = (i: number) => `${'d'.repeat(200)}/${'n'.repeat(600)}-${i}.txt`;
    mirror.afterRun(
      Array.from({ length: 1000 }, (_, i) => runFile(long(i), 0)),
      [],
    );
    const kept = names(mirror);
    expect(kept.reduce((sum, path) => sum + path.length, 0)).toBeLessThanOrEqual(MIRROR_MAX_PATH_CHARS);
    expect(kept.length).toBeLessThan(1000);
  });

  it('does not grow over runs that each replace their last batch', () => {
    const mirror = new WorkdirMirror(25 * MB);
    for (let run = 0; run < 8; run++) {
      const batch = Array.from({ length: 5000 }, (_, i) => runFile(`r${run}/${'x'.repeat(800)}${i}`, 0));
      mirror.afterRun(batch, undefined);
    }
    expect(mirror.size).toBeLessThanOrEqual(MIRROR_MAX_RUN_FILES);
  });

  it('writes back nothing the run may have deleted when its walk could not tell (a file the host wrote included)', () => {
    const mirror = new WorkdirMirror(25 * MB);
    mirror.written('secret.csv', new Uint8Array(10));
    mirror.afterRun([runFile('kept.txt', 1)], []);
    mirror.afterRun([runFile('new.txt', 1)], undefined);
    expect(names(mirror)).toEqual(['new.txt']);
    expect(mirror.describeRestore()).toMatch(/except secret\.csv, kept\.txt, which could not be kept/);
  });

  it('marks files that runs wrote, not those the host wrote, as data for the new interpreter', () => {
    const mirror = new WorkdirMirror(25 * MB);
    mirror.written('host.py', new Uint8Array(1));
    mirror.afterRun([runFile('run.py', 1)], []);
    expect([...mirror.files()].map(({ path, restored }) => [path, restored])).toEqual([
      ['host.py', false],
      ['run.py', true],
    ]);
  });
});
