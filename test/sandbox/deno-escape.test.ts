/**
 * Python that tries to leave the Deno process's boundary, or to hurt its host through it (the
 * review of issue 53): a write to disk that outlives the session, a worker of its own, a link out
 * of a folder it may read, messages that cost the host more than they measure, and a process that
 * outlives its host. The honest side is deno-isolation.test.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../src/sandbox/isolation/relay-gate.js';
import { it } from '../support/fixtures.js';
import { tamperWithNextAnswer, tamperWithNextResult } from '../support/forgery.js';

/** The Deno folder of a process given no environment (deno-process.ts): the user's own. */
const USER_DENO_DIR = join(homedir(), '.cache', 'deno');

/** Bytes in the files under `folder` (0 when it does not exist). */
function folderBytes(folder: string): number {
  if (!existsSync(folder)) return 0;
  let total = 0;
  for (const name of readdirSync(folder, { recursive: true }) as string[]) {
    const stat = lstatSync(join(folder, name), { throwIfNoEntry: false });
    if (stat?.isFile()) total += stat.size;
  }
  return total;
}

describe('disk', () => {
  it("Python writes nothing to the user's Deno folder, and leaves nothing for the next sandbox", async ({ createSandbox }) => {
    const before = folderBytes(USER_DENO_DIR);
    const first = await createSandbox({ isolation: 'deno' });
    // The Cache API (no permission needed) and 20 modules of 1 MB each (Deno caches their code).
    const wrote = await first.run(`import js
print(js.eval("[typeof caches, typeof CacheStorage, typeof Cache].join(' ')"))
await js.eval("""(async () => {
  for (let i = 0; i < 20; i++) {
    const source = 'export const x = ' + JSON.stringify(i + ':' + Math.random() + 'y'.repeat(1 << 20)) + ';';
    await import('data:text/javascript;base64,' + btoa(source));
  }
  if (typeof caches === 'undefined') return;
  await (await caches.open('canary')).put('http://canary/', new Response('CANARY-53'));
})()""")`);
    expect(wrote.stdout).toBe('undefined undefined undefined\n');
    const second = await createSandbox({ isolation: 'deno' });
    const read = await second.run(`import js
await js.eval("(async () => typeof caches === 'undefined' ? 'no Cache API' : await (await (await caches.open('canary')).match('http://canary/'))?.text() ?? 'nothing')()")`);
    expect(read.result).toBe("'no Cache API'");
    expect(folderBytes(USER_DENO_DIR) - before).toBe(0);
  }, 120_000);
});

describe('workers', () => {
  it('Python cannot start a Worker (one would have Deno and process again)', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ isolation: 'deno' });
    const tried = await sandbox.run(`import js
js.eval("typeof Worker + ' ' + typeof SharedWorker")`);
    expect(tried.result).toBe("'undefined undefined'");
  });
});

describe('a link inside a folder it may read', () => {
  const root = mkdtempSync(join(tmpdir(), 'deno-links-'));
  mkdirSync(join(root, 'granted'));
  writeFileSync(join(root, 'outside.txt'), 'SECRET-OUTSIDE');
  writeFileSync(join(root, 'granted', 'inside.txt'), 'opened on purpose');
  symlinkSync(join(root, 'outside.txt'), join(root, 'granted', 'out-link.txt'));
  symlinkSync('inside.txt', join(root, 'granted', 'in-link.txt'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is followed only to a file inside a granted folder', async ({ createSandbox }) => {
    const sandbox = await createSandbox({ isolation: 'deno', deno: { allowRead: [join(root, 'granted')] } });
    const read = await sandbox.run(`import js
for name in ("inside.txt", "in-link.txt", "out-link.txt", "../outside.txt"):
    try: print(name, await (await js.fetch("file://${root}/granted/" + name)).text())
    except Exception as e: print(name, type(e).__name__, str(e).split(":")[0])`);
    expect(read.stdout).toBe(
      'inside.txt opened on purpose\nin-link.txt opened on purpose\nout-link.txt JsException NotCapable\n../outside.txt JsException NotCapable\n',
    );
  });
});

/**
 * Runs `run` while measuring the host: the time its main thread was busy (the event loop's
 * active time: on a loaded machine a wall-clock gap is mostly other processes' turn), and its
 * RSS growth, sampled every 10 ms.
 */
async function measureHost<T>(run: () => Promise<T>): Promise<{ value: T; busyMs: number; rssGrowthMB: number }> {
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const loop = performance.eventLoopUtilization();
  try {
    const value = await run();
    const busyMs = performance.eventLoopUtilization(loop).active;
    return { value, busyMs, rssGrowthMB: (Math.max(peak, process.memoryUsage().rss) - rssBefore) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

describe('messages that cost the host more than they measure', () => {
  const cases = [
    ['bytes over the bound', tamperWithNextAnswer(`{ ...m, value: new Uint8Array(${MAX_MESSAGE_BYTES + 2 ** 20}) }`), /more than \d+ bytes/],
    ['a sparse array (30 million holes, each a null in JSON)', tamperWithNextResult('files: new Array(30_000_000)'), /a sparse array/],
    ['an object that is not plain data', tamperWithNextResult(`files: new Map([[0, 'x']])`), /not plain data \(Map\)/],
  ] as const;
  it.for(cases)('%s: stop the worker, the host barely pauses', async ([, armed, reason], { createSandbox }) => {
    // No warm spare: its boot (the runtime's bytes encoded for the pipe) is not the gate's cost.
    const sandbox = await createSandbox({ isolation: 'deno', warmSpare: false });
    await sandbox.run('kept = 1');
    const { value: r, busyMs, rssGrowthMB } = await measureHost(() => sandbox.run(armed));
    console.log(`host busy ${Math.round(busyMs)} ms, RSS +${Math.round(rssGrowthMB)} MB`);
    expect(r).toMatchObject({ outcome: 'OUTCOME_FAILED', stateLost: true, error: { name: 'SandboxCrash' } });
    expect(r.error?.message).toMatch(reason);
    expect(r.error?.message).toMatch(/stopped as misbehaving/);
    expect(busyMs).toBeLessThan(500);
    expect(rssGrowthMB).toBeLessThan(400);
  });
});

describe('the host killed', () => {
  /** Whether `pid` is gone (a zombie no one reaps counts as gone). */
  const gone = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
    } catch {
      return true;
    }
  };

  it('takes its Deno processes with it within 5 s, while Python floods the relay', async () => {
    const script = `import { PythonSandbox } from ${JSON.stringify(new URL('../../dist/index.node.js', import.meta.url).href)};
const sandbox = await PythonSandbox.create({ isolation: 'deno' });
await sandbox.run(${JSON.stringify(FLOOD)});
console.log('flooding');
setInterval(() => {}, 1000);`;
    const host = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const children: number[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        host.stdout.on('data', (text: Buffer) => text.includes('flooding') && resolve());
        host.once('exit', () => reject(new Error('the host exited early')));
      });
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const listed = spawnSync('ps', ['-o', 'pid=', '--ppid', String(host.pid)], { encoding: 'utf8' }).stdout;
      children.push(...listed.split('\n').filter(Boolean).map(Number));
      expect(children.length).toBeGreaterThan(0);
      host.kill('SIGKILL');
      const killedAt = Date.now();
      while (!children.every(gone) && Date.now() - killedAt < 5000) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(children.filter((pid) => !gone(pid))).toEqual([]);
    } finally {
      host.kill('SIGKILL');
      for (const pid of children.filter((p) => !gone(p))) process.kill(pid, 'SIGKILL');
    }
  }, 90_000);
});

/**
 * Python's JS keeps the relay busy: after this run's answer, answers of 1 MB to a call that does
 * not exist (the host drops them), 20 every turn of the worker's loop.
 */
const FLOOD = `import js
js.eval("""(() => {
  const post = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (m, t) {
    if (m && m.id && m.type === 'RAW') {
      MessagePort.prototype.postMessage = post;
      const port = this, forged = { id: 'no-such-call', type: 'RAW', value: 'x'.repeat(1 << 20) };
      const flood = () => { for (let i = 0; i < 20; i++) post.call(port, forged); setTimeout(flood, 0); };
      setTimeout(flood, 0);
    }
    return post.call(this, m, t);
  };
})()""")
print("flooding")`;
