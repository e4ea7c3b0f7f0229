/**
 * CPU time and memory of a browser's processes, read from Linux's /proc (the tests are written for
 * Debian): how a test sees a thread the page can no longer reach, such as a terminated worker
 * still spinning in WebAssembly, and what a page's work costs in every engine alike (no engine
 * but Chromium tells a page its own heap).
 */
import { readFileSync, readdirSync } from 'node:fs';

/** /proc counts CPU time in clock ticks of 1/100 s (USER_HZ, 100 on every Linux architecture we run). */
const TICKS_PER_SECOND = 100;
/** /proc counts resident memory in pages of 4 KiB (x86-64, arm64 as Debian builds it). */
const PAGE_BYTES = 4096;

interface Stat {
  ppid: number;
  name: string;
  /** utime + stime, the process's threads (dead ones included) together. */
  ticks: number;
  /** Resident pages. */
  rss: number;
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
    all.set(Number(entry), {
      ppid: Number(fields[1]),
      name: line.slice(line.indexOf('(') + 1, close),
      ticks: Number(fields[11]) + Number(fields[12]),
      rss: Number(fields[21]),
    });
  }
  return all;
}

/**
 * CPU seconds used so far by the live descendants of `root` whose name starts with `name` (as
 * /proc spells it: at most 15 characters, e.g. 'WebKitWebProces').
 */
export function descendantsCpuSeconds(root: number, name: string): number {
  let ticks = 0;
  for (const stat of descendants(root)) if (stat.name.startsWith(name)) ticks += stat.ticks;
  return ticks / TICKS_PER_SECOND;
}

/**
 * Resident bytes of the live descendants of `root` together (e.g. of the test's process: the
 * browsers it started), but those whose name starts with `leaveOut` (as /proc spells it).
 */
export function descendantsRssBytes(root: number, leaveOut?: string): number {
  return descendants(root)
    .filter((stat) => leaveOut === undefined || !stat.name.startsWith(leaveOut))
    .reduce((bytes, stat) => bytes + stat.rss * PAGE_BYTES, 0);
}

function descendants(root: number): Stat[] {
  const all = processes();
  const descends = (pid: number): boolean => {
    for (let p = all.get(pid)?.ppid; p !== undefined && p > 1; p = all.get(p)?.ppid) if (p === root) return true;
    return false;
  };
  return [...all].filter(([pid]) => descends(pid)).map(([, stat]) => stat);
}
