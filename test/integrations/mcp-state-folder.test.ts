/**
 * The state folder on its own (no interpreter): files named by a digest of their key, whole saves
 * only, the bound on the folder's total (oldest evicted and named), files over the bound refused
 * unread, and one stdio process per state name.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { StateFolder, claimStateName } from '../../src/integrations/mcp/state-folder.js';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});
function folder(): string {
  const path = mkdtempSync(join(tmpdir(), 'state-folder-'));
  folders.push(path);
  return path;
}
const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
const HANDLE = 'a.Xk3q9ZpL0mN2bV7cR4tY1w';

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

  test('evicts the oldest saves past its bound, naming each, and refuses a save over the bound alone', async () => {
    const dir = folder();
    const said: string[] = [];
    const store = new StateFolder(dir, 25, (line) => said.push(line));
    await store.save('one', bytes(10));
    const oldest = readdirSync(dir)[0];
    await new Promise((resolve) => setTimeout(resolve, 20));
    await store.save('two', bytes(10));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await store.save('three', bytes(10));
    expect(store.has('one')).toBe(false);
    expect(store.has('two') && store.has('three')).toBe(true);
    expect(said).toEqual([
      expect.stringMatching(new RegExp(`^evicted the saved state ${oldest} \\(10 bytes, saved .*\\) to keep the state folder within 25 bytes$`)),
    ]);
    await expect(store.save('big', bytes(26))).rejects.toThrow(/over the state folder's bound of 25/);
    expect(store.has('big')).toBe(false);
  });

  test('refuses, unread, a file that grew past its bound', async () => {
    const dir = folder();
    const store = new StateFolder(dir, 100, () => {});
    await store.save('k', bytes(10));
    // Another writer of the folder (or someone on the machine) puts a larger file in its place.
    writeFileSync(join(dir, readdirSync(dir)[0]), bytes(101));
    await expect(store.load('k')).rejects.toThrow(/its file is 101 bytes, over the folder's bound of 100/);
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
