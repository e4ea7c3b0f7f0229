/**
 * Which `@google/genai` the tests run against: this repository's own (2.x), or the 3.x that
 * `npm test`'s later passes put in its place (scripts/test-on-node.mjs, vitest.config.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './packed-package.js';

/** The installed package that answers `import '@google/genai'`. */
export const SDK_PACKAGE = process.env.TEST_GENAI_PACKAGE ?? '@google/genai';
/** Its version, e.g. "3.1.0". */
export const SDK_VERSION: string = JSON.parse(readFileSync(join(REPO, 'node_modules', SDK_PACKAGE, 'package.json'), 'utf8')).version;
export const SDK_MAJOR = Number(SDK_VERSION.split('.')[0]);
