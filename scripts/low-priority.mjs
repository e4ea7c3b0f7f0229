/**
 * A low CPU priority that holds on Linux. With the kernel's autogroups on (most distributions'
 * default), a nice value only ranks a process against the others of its own session, and a
 * session competes at full weight whatever its processes' nice: a step at nice 19 took the CPU
 * from the suites that time pauses as if it were at 0. So a low-priority step gets a session of
 * its own (`detached`), and that session's autogroup the nice too; what it starts inherits both
 * (but a session one of its children starts in turn, as npm's installs and browsers do).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Lowers `pid`'s priority to `nice`, and its session's when it leads one (a `detached` child); silent where either cannot be set. */
export function lowerPriority(pid, nice = 19) {
  try {
    setPriority(pid, nice);
  } catch {
    // Gone already, or not allowed: it runs at its own priority.
  }
  try {
    // The session id is the stat line's fourth field after the command's closing parenthesis.
    const session = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[3]);
    // Only a session of its own: writing another's would lower the caller's whole session.
    if (session === pid) writeFileSync(`/proc/${pid}/autogroup`, String(nice));
  } catch {
    // Not Linux, autogroups off, or gone.
  }
}
