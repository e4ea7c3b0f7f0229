/**
 * The skills folder (`--skills-dir`) against a hostile session, through the built CLI on stdio as
 * a client runs it: what a cell plants there reaches later sessions only as the helpers it names
 * (no `skills/__init__.py`, which would run on every import of one).
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BOOT_TIMEOUT_MS } from '../support/fixtures.js';
import { connectStdio, textOf } from '../support/mcp.js';
import { temporaryFolder } from '../support/mcp-servers.js';

const TALLY = 'def tally(xs):\\n    return sum(xs)\\n';

describe('a planted dunder file', () => {
  test(
    'is not kept from a run, and one already in the folder is not imported by a later session',
    async () => {
      const folder = temporaryFolder('mcp-skills-dunder-');
      try {
        const first = await connectStdio(['--skills-dir', folder.path]);
        try {
          const plant = `import os\nos.makedirs("skills", exist_ok=True)\nfor name in ["__init__", "__main__", "tally"]:\n    open(f"skills/{name}.py", "w").write("print('PLANTED')\\n" if name.startswith("__") else "${TALLY}")`;
          expect((await first.call('run_python', { code: plant })).isError).toBeFalsy();
        } finally {
          await first.close();
        }
        expect(readdirSync(folder.path)).toEqual(['tally.py']);
        // One put there another way (by an older server, or by hand) is not written in either.
        writeFileSync(join(folder.path, '__init__.py'), "print('PLANTED')\n");
        const second = await connectStdio(['--skills-dir', folder.path]);
        try {
          const text = textOf(
            await second.call('run_python', { code: 'import os\nfrom skills.tally import tally\nprint(tally([40, 2]), os.path.exists("skills/__init__.py"))' }),
          );
          expect(text).toBe('42 False');
        } finally {
          await second.close();
        }
      } finally {
        folder.remove();
      }
    },
    3 * BOOT_TIMEOUT_MS,
  );
});
