/**
 * `node bench/cold-ready.mjs sandbox|raw DIST_DIR`: one cold boot in a fresh process (nothing
 * compiled or loaded yet in it), printed as JSON. run.mjs starts one process per sample.
 */
import { nodeTargets } from './node-targets.mjs';
import { timeToReady } from './suite.mjs';

const [kind, distDir] = process.argv.slice(2);
const targets = await nodeTargets(distDir);
if (!(kind in targets) || !distDir) throw new Error('usage: node bench/cold-ready.mjs sandbox|raw DIST_DIR');
console.log(JSON.stringify({ kind, ms: await timeToReady(targets[kind]) }));
