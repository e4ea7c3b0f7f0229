/**
 * A process and every process under it (Linux's /proc), and their memory: the MCP groups read a
 * server's cost with its Deno children. Summed RSS counts each page once per process that maps it
 * (every Deno process's executable, for one); summed PSS splits a shared page among its processes,
 * so it adds up to what the tree really takes.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Process `pid` and its descendants, `pid` first; empty off Linux. */
export function processTree(pid) {
  if (process.platform !== 'linux' || !pid) return [];
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent is the 2nd field after the command, which is in parentheses and may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [];
  for (const queue = [pid]; queue.length > 0; ) {
    const next = queue.shift();
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

/** The summed PSS and RSS of `pid`'s tree in bytes, and how many processes it holds; undefined off Linux. */
export function treeMemory(pid) {
  const tree = processTree(pid);
  if (tree.length === 0) return undefined;
  let pss = 0;
  let rss = 0;
  let processes = 0;
  for (const member of tree) {
    try {
      const rollup = readFileSync(`/proc/${member}/smaps_rollup`, 'latin1');
      pss += Number(/^Pss:\s+(\d+) kB$/m.exec(rollup)?.[1] ?? 0) * 1024;
      rss += Number(/^Rss:\s+(\d+) kB$/m.exec(rollup)?.[1] ?? 0) * 1024;
      processes++;
    } catch {
      // gone meanwhile
    }
  }
  return { pss, rss, processes };
}
