/**
 * `node bench/cold-ready.mjs sandbox|raw`: one cold boot in a fresh process (nothing compiled or
 * loaded yet in it), printed as JSON. run.mjs starts one process per sample.
 */
import { NODE_TARGETS } from './node-targets.mjs';
import { timeToReady } from './suite.mjs';

const kind = process.argv[2];
if (!(kind in NODE_TARGETS)) throw new Error(`usage: node bench/cold-ready.mjs ${Object.keys(NODE_TARGETS).join('|')}`);
console.log(JSON.stringify({ kind, ms: await timeToReady(NODE_TARGETS[kind]) }));
