/**
 * The state folder on its own (no interpreter): files named by a digest of their key, whole saves
 * only, one stdio process per state name; the bound's policy, which the in-memory store keeps too
 * (one save at most half the bound, the largest evicted first, so one client's large saves never
 * push out another's small one; each refusal and eviction named; a save not kept leaves no older
 * one behind); and files read back as hostile: over the bound, or not a regular file (a link to
 * /dev/zero, a FIFO, a folder), refused unread and named on stderr.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { stateFolders } from '../support/fixtures.js';
import { type StateStore, MemoryStateStore, saveInto } from '../../src/integrations/shared/idle-save.js';
import type { PythonSandbox } from '../../src/sandbox/python-sandbox.js';
import { readStateFile } from '../../src/integrations/mcp/sessions/state-file.js';
import { StateFolder, claimStateName } from '../../src/integrations/mcp/sessions/state-folder.js';

const folder = stateFolders();
const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
const HANDLE = 'a.Xk3q9ZpL0mN2bV7cR4tY1w';
/** Lets the clock move, so saves made one after another have different times. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('a state folder', () => {
  test('names each file by a digest its handle cannot be read from, and leaves no temporary file', async () => {
    const dir = folder();
    const store = new StateFolder(dir, 1000, () => {});
    await store.save(`http\n${HANDLE}`, bytes(10));
    const names = readdirSync(dir);
    expect(names).toEqual([`${createHash('sha256').update(`pyodide-code-execution state\nhttp\n${HANDLE}`).digest('hex')}.state`]);
    expect(names[0]).not.toContain(HANDLE.split('.')[1]);
    expect(store.has(`http\n${HANDLE}`)).toBe(true);
    expect(store.has(`http\n${HANDLE}x`)).toBe(false);
    expect(await store.load(`http\n${HANDLE}`)).toEqual(bytes(10));
    await store.delete(`http\n${HANDLE}`);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('evicts past its bound the largest save, which it names, and of equal ones the oldest', async () => {
    const dir = folder();
    const said: string[] = [];
    const store = new StateFolder(dir, 25, (line) => said.push(line));
    await store.save('one', bytes(10));
    const oldest = readdirSync(dir)[0];
    await tick();
    await store.save('two', bytes(10));
    await tick();
    await store.save('three', bytes(10));
    expect(store.has('one')).toBe(false);
    expect(store.has('two') && store.has('three')).toBe(true);
    expect(said).toEqual([
      expect.stringMatching(
        new RegExp(`^evicted the saved state ${oldest} \\(10 bytes, saved .*\\) to keep the state folder within 25 bytes \\(the largest go first\\)$`),
      ),
    ]);
  });

  test('refuses, unread, a file that grew past its bound', async () => {
    const dir = folder();
    const store = new StateFolder(dir, 100, () => {});
    await store.save('k', bytes(10));
    // Another writer of the folder (or someone on the machine) puts a larger file in its place.
    writeFileSync(join(dir, readdirSync(dir)[0]), bytes(101));
    await expect(store.load('k')).rejects.toThrow(/its file is 101 bytes, over the folder's bound of 100/);
  });

  test('refuses a state file that is not a regular file, naming it on stderr, and follows no link', async () => {
    const dir = folder();
    const said: string[] = [];
    const store = new StateFolder(dir, 2 ** 20, (line) => said.push(line));
    const file = store.fileOf('k');
    const planted: [kind: string, plant: () => void][] = [
      ['a folder', () => mkdirSync(file)],
      ['a FIFO', () => execFileSync('mkfifo', [file])],
      // Its target's size is 0 and a read of it never ends: it must not be followed.
      ['a symbolic link', () => symlinkSync('/dev/zero', file)],
    ];
    for (const [kind, plant] of planted) {
      plant();
      await expect(store.load('k')).rejects.toThrow(`its file is ${kind}, not a regular file`);
      expect(said.pop()).toBe(`refused the saved state ${basename(file)}: its file is ${kind}, not a regular file; it was not read`);
      rmSync(file, { recursive: true });
    }
  });

  test("reads at most the bound and one byte, whatever the file's size says", async () => {
    // A regular file whose stat says 0 bytes, and which holds more.
    const file = '/proc/self/status';
    await expect(readStateFile(file, 10)).rejects.toThrow("its file holds more than the folder's bound of 10 bytes");
    expect(new TextDecoder().decode(await readStateFile(file, 2 ** 20))).toMatch(/^Name:/);
    expect(await readStateFile(join(folder(), 'none.state'), 10)).toBeUndefined();
  });

  test('gives a stdio state name to one live process at a time, and takes over one whose process has ended', () => {
    const dir = folder();
    const lockOf = () => readdirSync(dir).find((name) => name.endsWith('.lock')) as string;
    const release = claimStateName(dir, 'alice');
    // The lock now names a live process other than this one: the test runner's parent.
    writeFileSync(join(dir, lockOf()), String(process.ppid));
    expect(() => claimStateName(dir, 'alice')).toThrow(new RegExp(`Another process \\(pid ${process.ppid}\\) serves the state name "alice"`));
    // Another name is another lock.
    claimStateName(dir, 'bob')();
    // A process that has ended (a pid at the top of Linux's range, unused) holds nothing.
    writeFileSync(join(dir, lockOf()), '4194303');
    const again = claimStateName(dir, 'alice');
    again();
    release();
    expect(readdirSync(dir)).toEqual([]);
  });
});

/** Both stores, bounded alike: a bound of 100 kB here stands for the 100 MB of the server's report. */
const STORES: [name: string, make: (maxBytes: number, say: (line: string) => void) => StateStore][] = [
  ['a state folder', (maxBytes, say) => new StateFolder(folder(), maxBytes, say)],
  ['the in-memory store', (maxBytes, say) => new MemoryStateStore(maxBytes, say)],
];
const VICTIM = `http\n${HANDLE}`;

describe.each(STORES)('%s, bounded', (_name, make) => {
  test("keeps a session's small save when another session's two saves would each take over half the bound: those are refused, and named", async () => {
    const said: string[] = [];
    const store = make(100_000, (line) => said.push(line));
    await store.save(VICTIM, bytes(80, 7));
    await tick();
    await expect(store.save('other one', bytes(55_000))).rejects.toThrow('it is 55000 bytes, more than half');
    await expect(store.save('other two', bytes(55_000))).rejects.toThrow('it is 55000 bytes, more than half');
    expect(await store.load(VICTIM)).toEqual(bytes(80, 7));
    expect(store.has('other one') || store.has('other two')).toBe(false);
    const refused =
      /^refused (a|the) save.*: it is 55000 bytes, more than half .* 100000 bytes .*; that session has no saved state \(its older save is deleted\)$/;
    expect(said).toEqual([expect.stringMatching(refused), expect.stringMatching(refused)]);
    // A line names a save by the digest of its key at most, never by the key (a session id or handle).
    expect(said.join('\n')).not.toContain(HANDLE.split('.')[1]);
  });

  test('past the bound evicts the largest saves first, the one just written among them, never a smaller one to make room', async () => {
    const said: string[] = [];
    const store = make(100_000, (line) => said.push(line));
    await store.save(VICTIM, bytes(80));
    for (const key of ['a', 'b', 'c']) {
      await tick();
      await store.save(key, bytes(40_000));
    }
    // Past the bound at c: of the largest, the oldest went.
    expect([VICTIM, 'a', 'b', 'c'].filter((key) => store.has(key))).toEqual([VICTIM, 'b', 'c']);
    expect(said).toEqual([expect.stringMatching(/^evicted .*\(40000 bytes, saved .*\) to keep the .* within 100000 bytes \(the largest go first\)$/)]);
    // One larger than every other is itself the one to go: refused, and the rest kept.
    await tick();
    await expect(store.save('d', bytes(45_000))).rejects.toThrow('at 45000 bytes it was the largest save when the');
    expect([VICTIM, 'b', 'c', 'd'].filter((key) => store.has(key))).toEqual([VICTIM, 'b', 'c']);
    expect(said[1]).toMatch(
      /^refused (a|the) save.*: at 45000 bytes it was the largest save .*; that session has no saved state \(its older save is deleted\)$/,
    );
    expect(await store.load(VICTIM)).toEqual(bytes(80));
  });

  test("a session's newer save that is not kept takes its older save with it: it never comes back to the older one", async () => {
    const store = make(100_000, () => {});
    await store.save(VICTIM, bytes(80));
    await expect(store.save(VICTIM, bytes(60_000))).rejects.toThrow('more than half');
    expect(store.has(VICTIM)).toBe(false);
    expect(await store.load(VICTIM)).toBeUndefined();
    // Nor when the interpreter itself cannot be saved (compiled code loaded, say).
    await store.save(VICTIM, bytes(80));
    const unsaveable = { saveState: async () => Promise.reject(new Error('This interpreter cannot be saved: it loaded compiled code')) };
    expect(await saveInto(unsaveable as unknown as PythonSandbox, { store, key: VICTIM, lasting: true })).toBe('it loaded compiled code');
    expect(store.has(VICTIM)).toBe(false);
  });
});
