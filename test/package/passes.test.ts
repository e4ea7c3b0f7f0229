/**
 * The lists of test/passes.mjs name suites that exist: a renamed suite left in `NODE22_SUBSET`
 * would leave its Node 22 pass without a word, and one left in `FIRST_PASS_ONLY` would run again.
 * Every suite is in exactly one of the first pass's projects: one in none would never run.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, matchesGlob } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FIRST_PASS_ONLY, NODE22_SUBSET, NODE26_SUBSET, firstPassProjects } from '../passes.mjs';
import { REPO } from '../support/packed-package.js';

/** Every test file, from the repository's root. */
const suites = readdirSync(join(REPO, 'test'), { recursive: true, encoding: 'utf8' })
  .filter((path) => path.endsWith('.test.ts'))
  .map((path) => `test/${path}`);
const nodeSuites = suites.filter((path) => !path.endsWith('.browser.test.ts'));

describe('test/passes.mjs', () => {
  test.each([
    ['FIRST_PASS_ONLY', FIRST_PASS_ONLY],
    ['NODE22_SUBSET', NODE22_SUBSET],
  ])('%s names Node suites that exist', (_, paths) => {
    expect(paths.filter((path) => !existsSync(join(REPO, path)) || !nodeSuites.includes(path))).toEqual([]);
  });

  // A vitest filter matches every path that holds it, so a folder names its suites.
  test('each filter of NODE26_SUBSET matches a Node suite', () => {
    expect(NODE26_SUBSET.filter((filter) => !nodeSuites.some((path) => path.startsWith(filter)))).toEqual([]);
  });

  test('every suite is in exactly one project of the first pass', () => {
    const matches = (path: string, globs: string[] = []) => globs.some((glob) => matchesGlob(path, glob));
    const projectsOf = (path: string) =>
      firstPassProjects()
        .flatMap(({ test }) => (test ? [test] : []))
        .filter((project) => matches(path, project.include) && !matches(path, project.exclude))
        .map((project) => project.name);
    expect(suites.filter((path) => projectsOf(path).length !== 1).map((path) => `${path}: ${projectsOf(path).join(', ') || 'none'}`)).toEqual([]);
    expect(projectsOf('test/browser/floods.browser.test.ts')).toEqual(['floods']);
    // The widget's Node suites share a process; its browser suites do not.
    expect(projectsOf('test/ui/markdown.test.ts')).toEqual(['suites-shared']);
    expect(projectsOf('test/ui/widget.browser.test.ts')).toEqual(['suites']);
  });
});
