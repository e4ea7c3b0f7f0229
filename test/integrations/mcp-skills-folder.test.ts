/**
 * The skills folder (`--skills-dir`) against a hostile session, through the built CLI on stdio as
 * a client runs it: what a cell plants there reaches later sessions only as the helpers it names
 * (no `skills/__init__.py`, which would run on every import of one), and a folder filled to its
 * bounds costs a later session's first call no more than an empty one, naming what it left out.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MAX_SKILLS_BYTES } from '../../src/integrations/mcp/sessions/skills-folder.js';
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

/** A later session's first call on `folder`, timed from the process's start: its time, the server's peak RSS, its result, and the bytes of skills/ it saw. */
async function firstCall(folder: string) {
  const started = performance.now();
  // A worker thread: the interpreter and the files written into it count in the server's own RSS.
  const session = await connectStdio(['--isolation', 'worker', '--skills-dir', folder]);
  try {
    const code = 'import os\nprint(sum(os.path.getsize(f"skills/{n}") for n in os.listdir("skills")) if os.path.isdir("skills") else 0)';
    const result = await session.call('run_python', { code });
    const text = textOf(result);
    return { ms: performance.now() - started, rss: session.peakRssBytes?.() ?? 0, text, result, loaded: Number(text.split('\n').at(-1)) };
  } finally {
    await session.close();
  }
}

describe('a full skills folder', () => {
  test(
    "costs a later session's first call no more than an empty folder, and names the skills left out: 20 files of 10 MB, and 100 files past the bytes in all",
    async () => {
      const empty = temporaryFolder('mcp-skills-empty-');
      const big = temporaryFolder('mcp-skills-big-');
      const capped = temporaryFolder('mcp-skills-capped-');
      try {
        // As a session that filled the folder leaves it (runs are refused past the bound now; an older server kept them).
        for (let i = 0; i < 20; i++) writeFileSync(join(big.path, `big_${i}.py`), Buffer.alloc(10 * 1024 * 1024, '#'));
        // The 100-file cap, scaled down: 100 files of 200 KiB, five times the bytes one interpreter takes.
        for (let i = 0; i < 100; i++) writeFileSync(join(capped.path, `skill_${String(i).padStart(3, '0')}.py`), `# ${'x'.repeat(200 * 1024 - 3)}\n`);
        const control = await firstCall(empty.path);
        const twenty = await firstCall(big.path);
        const hundred = await firstCall(capped.path);
        // The control again: the machine's load changes over these seconds, and the bound takes the slower of the two.
        const controlAfter = await firstCall(empty.path);
        const controlMs = Math.max(control.ms, controlAfter.ms);
        expect(control.loaded).toBe(0);
        // Each of the 20 is over what one interpreter takes: none is read, and each is named.
        expect(twenty.loaded).toBe(0);
        expect(twenty.text).toContain('The skills folder holds more than one interpreter takes (at most 100 skills and 4 MiB in all');
        expect(twenty.text).toContain('big_0.py');
        expect(twenty.result.structuredContent?.skillsNote).toContain('big_19.py');
        // As many of the 100 as fit within the bytes in all (20 of 200 KiB), the others named.
        expect(hundred.loaded).toBeLessThanOrEqual(MAX_SKILLS_BYTES);
        expect(hundred.loaded).toBe(20 * 200 * 1024);
        expect(hundred.text).toContain('left out of this one, so they do not import: skill_020.py, skill_021.py');
        expect(hundred.text).toContain('and 60 more');
        for (const full of [twenty, hundred]) {
          // Reading every skill took 4x the control (7.8 s against 2 s) before the bound.
          expect(full.ms).toBeLessThan(2 * controlMs + 1500);
          expect(full.rss).toBeLessThan(control.rss + 300 * 1024 * 1024);
        }
        console.log(
          `first result: empty ${Math.round(control.ms)} ms / ${Math.round(control.rss / 2 ** 20)} MB; 20 x 10 MB ${Math.round(twenty.ms)} ms / ${Math.round(twenty.rss / 2 ** 20)} MB; 100 x 200 KiB ${Math.round(hundred.ms)} ms / ${Math.round(hundred.rss / 2 ** 20)} MB`,
        );
      } finally {
        for (const folder of [empty, big, capped]) folder.remove();
      }
    },
    4 * BOOT_TIMEOUT_MS,
  );

  test(
    "keeps a run's skills only within the bounds, and says which it did not keep",
    async () => {
      const folder = temporaryFolder('mcp-skills-keep-');
      try {
        const session = await connectStdio(['--isolation', 'worker', '--skills-dir', folder.path]);
        try {
          // 10 files of 1 MiB: four fit within the bytes in all.
          const code = `import os\nos.makedirs("skills", exist_ok=True)\nfor i in range(10):\n    open(f"skills/part_{i}.py", "w").write("#" * (1024 * 1024 - 1) + "\\n")`;
          const result = await session.call('run_python', { code });
          expect(textOf(result)).toContain('Not kept in the skills folder for later sessions (at most 100 skills and 4 MiB in all');
          expect(result.structuredContent?.skillsNote).toMatch(
            /part_\d\.py, part_\d\.py, part_\d\.py, part_\d\.py, part_\d\.py, part_\d\.py\. They stay in this session's skills\/\./,
          );
        } finally {
          await session.close();
        }
        expect(readdirSync(folder.path)).toHaveLength(4);
      } finally {
        folder.remove();
      }
    },
    2 * BOOT_TIMEOUT_MS,
  );
});
