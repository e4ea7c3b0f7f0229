/**
 * Release hygiene: the examples pin the version they document, the package's own, and the
 * CHANGELOG has a section for it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { REPO } from '../support/packed-package.js';

const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
const examples = readdirSync(join(REPO, 'examples'), { withFileTypes: true }).filter((entry) => entry.isDirectory());

test('every example depends on this version, by npm and by CDN URL', () => {
  const pins: string[] = [];
  for (const { name } of examples) {
    const folder = join(REPO, 'examples', name);
    for (const file of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
      if (file.includes('node_modules') || !/(^|\/)(package\.json|[^/]+\.html)$/.test(file)) continue;
      const text = readFileSync(join(folder, file), 'utf8');
      for (const [, pin] of text.matchAll(/"pyodide-code-execution": "([^"]+)"/g)) pins.push(`${name}/${file}: ${pin}`);
      for (const [, pin] of text.matchAll(/npm\/pyodide-code-execution@([^/]+)\//g)) pins.push(`${name}/${file}: @${pin}`);
    }
  }
  expect(pins.length).toBeGreaterThan(5);
  expect(pins.filter((pin) => !pin.endsWith(`^${version}`) && !pin.endsWith(`@${version}`))).toEqual([]);
});

test('the CHANGELOG has a section for this version', () => {
  expect(readFileSync(join(REPO, 'CHANGELOG.md'), 'utf8')).toMatch(new RegExp(`^## \\[${version.replaceAll('.', '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'));
});
