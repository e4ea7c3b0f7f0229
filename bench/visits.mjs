/**
 * `node bench/visits.mjs SPEC` (JSON text, or a file holding it): visits in one fresh process
 * (nothing compiled or loaded in it yet), printed as one JSON array. targets.mjs starts one
 * process per sample.
 *
 * SPEC: { kind: 'sandbox' | 'raw', distDir, visits?: 1, measure?: 'visit' | 'import', sandboxOptions? }
 *   visit  — `create()` until `run('1+1')` returned (suite.mjs `visit`), `visits` times in a row:
 *            the first is the process's cold boot, later ones are return visits in the same process.
 *   import — `create()`, then the first `import tinypkg` (suite.mjs `importVisit`).
 */
import { readFileSync } from 'node:fs';
import { nodeTargets } from './node-targets.mjs';
import { importVisit, repeat, visit } from './suite.mjs';

const arg = process.argv[2] ?? '{}';
const spec = JSON.parse(arg.trimStart().startsWith('{') ? arg : readFileSync(arg, 'utf8'));
const { kind, distDir, visits = 1, measure = 'visit', sandboxOptions } = spec;
if (!['sandbox', 'raw'].includes(kind) || !distDir) throw new Error('usage: node bench/visits.mjs \'{"kind":"sandbox"|"raw","distDir":"…"}\'');
const create = (await nodeTargets(distDir, sandboxOptions))[kind];
const measureOne = measure === 'import' ? () => importVisit(create) : () => visit(create);
console.log(JSON.stringify(await repeat(visits, measureOne)));
