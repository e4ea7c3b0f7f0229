/**
 * An executable that stands in for a Deno that does not run (a broken install, another
 * platform's binary), as the sandbox and the MCP server meet it: a shell script whose
 * `deno --version` and whose start as the sandbox's process each do what the test says.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * @param version Shell lines run for `deno --version` (e.g. `sleep 2; echo "no such CPU" >&2; exit 3`).
 * @param started Shell lines run when started as the sandbox's process (e.g. `exit 1`, or `exec sleep 600` to hang).
 * @returns Its path, and `remove()`.
 */
export function fakeDeno(version: string, started: string): { path: string; remove(): void } {
  const folder = mkdtempSync(join(tmpdir(), 'fake-deno-'));
  const path = join(folder, 'deno');
  writeFileSync(path, `#!/bin/sh\nif [ "$1" = "--version" ]; then\n${version}\nfi\n${started}\n`);
  chmodSync(path, 0o755);
  return { path, remove: () => rmSync(folder, { recursive: true, force: true }) };
}
