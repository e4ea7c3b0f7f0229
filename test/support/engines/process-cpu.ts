/**
 * CPU time of a browser's processes, read from Linux's /proc (the tests are written for Debian):
 * how a test sees a thread the page can no longer reach, such as a terminated worker still
 * spinning in WebAssembly.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** /proc counts CPU time in clock ticks of 1/100 s (USER_HZ, 100 on every Linux architecture we run). */
const TICKS_PER_SECOND = 100;

interface Stat {
  ppid: number;
  name: string;
  /** utime + stime, the process's threads (dead ones included) together. */
  ticks: number;
}

/** `/proc/<pid>/stat` of every process now alive. */
function processes(): Map<number, Stat> {
  const all = new Map<number, Stat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let line: string;
    try {
      line = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it exited meanwhile
    }
    // `pid (name) state ppid ...`: the name may hold spaces and parentheses, so split after its last ')'.
    const close = line.lastIndexOf(')');
    const fields = line.slice(close + 2).split(' ');
    all.set(Number(entry), { ppid: Number(fields[1]), name: line.slice(line.indexOf('(') + 1, close), ticks: Number(fields[11]) + Number(fields[12]) });
  }
  return all;
}

/**
 * CPU seconds used so far by the live descendants of `root` whose name starts with `name` (as
 * /proc spells it: at most 15 characters, e.g. 'WebKitWebProces').
 */
export function descendantsCpuSeconds(root: number, name: string): number {
  const all = processes();
  const descends = (pid: number): boolean => {
    for (let p = all.get(pid)?.ppid; p !== undefined && p > 1; p = all.get(p)?.ppid) if (p === root) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, stat] of all) if (stat.name.startsWith(name) && descends(pid)) ticks += stat.ticks;
  return ticks / TICKS_PER_SECOND;
}
