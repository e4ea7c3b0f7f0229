/**
 * A phone's CPU for a whole Chromium renderer: every thread of the browser's renderer processes
 * (main thread, dedicated and service workers, compositor) slowed by a factor, by duty-cycling
 * the processes with SIGSTOP/SIGCONT — what `cpulimit` does, and what Chromium's own CDP
 * throttler does for the main thread alone (`Emulation.setCPUThrottlingRate` suspends only that
 * thread, so Python in a worker ran at desktop speed). The browser, GPU and network service
 * processes are left alone (the link is emulated at the server, phone-link.mjs).
 *
 * The cycle runs in a child process of its own (this file, run with node) so the bench's event
 * loop cannot delay it: it sleeps with `Atomics.wait`, stops the renderers for `(1 − 1/factor)`
 * of each period and lets them run for the rest, and rescans /proc every period for new
 * renderers (a new context, the frame's, a service worker's). It asks for nice −20: on a loaded
 * machine a late wake-up lets the renderers run on. Nothing stays stopped: `stop()`
 * and the bench process's exit (even on a signal) kill the cycler and SIGCONT every renderer,
 * and the cycler itself continues everything and exits when its parent is gone (a SIGKILLed bench).
 * Linux only (/proc).
 */
import { fork } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';

/** One stop-and-run cycle: at ×4, stopped 15 ms, running 5 ms. */
export const PERIOD_MS = 20;

/**
 * The renderer processes descending from `rootPid` (through the zygote). `known` caches each
 * pid's parent across calls (stable for a pid's life); a pid's command line is read again until
 * it says renderer, since a zygote child starts with the zygote's and retitles itself.
 * @param {number} rootPid
 * @param {Map<string, { ppid: string, renderer: boolean }>} [known]
 * @returns {number[]}
 */
export function rendererPids(rootPid, known = new Map()) {
  const alive = readdirSync('/proc').filter((name) => name.charCodeAt(0) <= 57);
  const family = new Set([String(rootPid)]);
  const present = new Set(alive);
  for (const pid of known.keys()) if (!present.has(pid)) known.delete(pid);
  for (const pid of alive) {
    if (known.has(pid)) continue;
    try {
      const ppid = readFileSync(`/proc/${pid}/stat`, 'latin1')
        .replace(/^.*\) /s, '')
        .split(' ')[1];
      known.set(pid, { ppid, renderer: false });
    } catch {
      // gone meanwhile
    }
  }
  // Parents have lower pids mostly, not always (pid wrap-around): grow the family until it stops.
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, p] of known) if (!family.has(pid) && family.has(p.ppid)) family.add(pid), (grew = true);
  }
  const out = [];
  for (const pid of family) {
    const p = known.get(pid);
    if (!p) continue;
    if (!p.renderer) {
      try {
        // Chromium's child processes rewrite their title: arguments joined by spaces, not NULs.
        // Headless Chromium's own UI renderer (--top-chrome-webui) is no page's, the same in every browser.
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
        p.renderer = cmdline.includes('--type=renderer') && !cmdline.includes('--top-chrome-webui');
      } catch {
        continue;
      }
    }
    if (p.renderer) out.push(Number(pid));
  }
  return out;
}

/** The browser process (no `--type=`) of the Chromium launched with `--bench-tag=tag`. */
export function browserPid(tag) {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ');
      if (cmdline.includes(`--bench-tag=${tag}`) && !cmdline.includes('--type=')) return Number(pid);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no browser process tagged ${tag}`);
}

/** Sends `signal` to each pid, ignoring those already gone. */
function signalAll(pids, signal) {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // exited meanwhile
    }
  }
}

/** Continues every renderer of `rootPid` (safe to call any time, also when nothing is stopped). */
export function continueRenderers(rootPid) {
  signalAll(rendererPids(rootPid), 'SIGCONT');
}

/**
 * Starts slowing every renderer of the Chromium whose browser process is `rootPid` by `factor`.
 * `stop()` ends it and resolves with what the cycler measured: how many cycles, the share of
 * time the renderers were actually stopped (wanted: 1 − 1/factor) and the most renderers seen at once.
 * @param {{ rootPid: number, factor: number, periodMs?: number }} options
 */
export async function startCpuThrottle({ rootPid, factor, periodMs = PERIOD_MS }) {
  if (!(factor > 1)) throw new Error(`CPU throttle factor must be above 1, got ${factor}`);
  const child = fork(fileURLToPath(import.meta.url), ['--cycle', String(rootPid), String(factor), String(periodMs)], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let stats;
  child.on('message', (message) => typeof message === 'object' && (stats = message));
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`CPU throttle exited with ${code} before starting`)));
  });
  // The bench process ending, however it ends, must not leave a stopped browser behind.
  const onExit = () => {
    child.kill('SIGKILL');
    waitDead(child.pid);
    continueRenderers(rootPid);
  };
  const onSignal = (signal) => {
    onExit();
    process.kill(process.pid, signal);
  };
  process.once('exit', onExit);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, onSignal);
  let stopped;
  return {
    stop() {
      stopped ??= (async () => {
        process.off('exit', onExit);
        for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.off(signal, onSignal);
        child.send('stats');
        await Promise.race([new Promise((resolve) => child.once('message', resolve)), exited, new Promise((resolve) => setTimeout(resolve, 1000))]);
        child.kill('SIGKILL');
        await exited;
        continueRenderers(rootPid);
        return stats;
      })();
      return stopped;
    },
  };
}

/** Waits (synchronously, at most 200 ms) until `pid` has died: a zombie or gone. */
function waitDead(pid) {
  const deadline = performance.now() + 200;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  while (performance.now() < deadline) {
    try {
      if (/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'latin1'))) return;
    } catch {
      return;
    }
    Atomics.wait(cell, 0, 0, 1);
  }
}

/** The cycler: `node cpu-throttle.mjs --cycle ROOT_PID FACTOR PERIOD_MS`, forked by startCpuThrottle. */
function cycle(rootPid, factor, periodMs) {
  const runMs = periodMs / factor;
  const stopMs = periodMs - runMs;
  const parentPid = process.ppid;
  // On a loaded machine a late wake-up stretches the running part (the renderer gets more than its
  // share until the next stops make up for it): the highest priority the cycler may take.
  let niced = true;
  try {
    setPriority(-20);
  } catch {
    niced = false;
  }
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const sleep = (ms) => Atomics.wait(cell, 0, 0, ms);
  const known = new Map();
  let pids = [];
  let cycles = 0;
  let stoppedMs = 0;
  let maxRenderers = 0;
  let statsWanted = false;
  const parentAlive = () =>
    readFileSync('/proc/self/stat', 'latin1')
      .replace(/^.*\) /s, '')
      .split(' ')[1] === String(parentPid);
  // IPC messages arrive on the event loop: the cycle gives it a turn every period (setImmediate).
  process.on('message', () => (statsWanted = true));
  process.on('disconnect', () => {
    signalAll(pids, 'SIGCONT');
    process.exit(0);
  });
  process.send('started');
  // Wall time the renderers ran and were stopped, from the signals' times: each stop is as long
  // as keeps stopped ÷ total at 1 − 1/factor, so a late wake-up or a slow /proc scan (both in
  // the running part) is made up in the next stop rather than lost.
  let ranMs = 0;
  let continuedAt = performance.now();
  const step = () => {
    const until = performance.now() + 250;
    // Several cycles per event-loop turn: the turn itself costs little, but its timing is loose.
    while (performance.now() < until) {
      sleep(runMs);
      if (cycles % 10 === 0 && !parentAlive()) {
        signalAll(pids, 'SIGCONT');
        process.exit(0);
      }
      pids = rendererPids(rootPid, known);
      maxRenderers = Math.max(maxRenderers, pids.length);
      signalAll(pids, 'SIGSTOP');
      const stoppedAt = performance.now();
      ranMs += stoppedAt - continuedAt;
      sleep(Math.min(Math.max((factor - 1) * ranMs - stoppedMs, 0), 3 * stopMs));
      signalAll(pids, 'SIGCONT');
      continuedAt = performance.now();
      stoppedMs += continuedAt - stoppedAt;
      cycles++;
    }
    if (statsWanted) {
      statsWanted = false;
      process.send({ cycles, stoppedShare: stoppedMs / (stoppedMs + ranMs), meanRunMs: ranMs / cycles, maxRenderers, niced });
    }
    setImmediate(step);
  };
  step();
}

if (process.argv[2] === '--cycle' && process.argv[1] === fileURLToPath(import.meta.url)) {
  cycle(Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5]));
}
