/**
 * One MCP HTTP server of the build (`cli.js mcp --http`) in a child process, for the bench groups
 * that drive real servers (mcp-balancer.mjs, mcp-cluster.mjs, state-rollback.mjs).
 */
import { spawn } from 'node:child_process';

/**
 * `cli.js mcp --http <port> [--instance <name>] ...flags` (port 0: any free one), once it says
 * where it listens: its URL, pid, stderr so far, when it exited, and `stop()` (SIGTERM, then
 * SIGKILL after 30 s).
 */
export async function startMcpServer(cli, { name, port = 0, flags = [] } = {}) {
  // BENCH_HEAP_SNAPSHOTS=<folder>: SIGUSR2 (heapSnapshot()) writes the server's V8 heap there, to tell what holds its memory.
  const snapshots = process.env.BENCH_HEAP_SNAPSHOTS;
  const nodeFlags = snapshots ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshots}`] : [];
  const args = [...nodeFlags, cli, 'mcp', '--http', String(port), ...(name ? ['--instance', name] : []), ...flags];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text) => {
      stderr += text;
      const match = /at (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`server ${name ?? ''} exited (${code}): ${stderr}`)));
  });
  return {
    name,
    url,
    pid: child.pid,
    exited,
    stderr: () => stderr,
    /** With BENCH_HEAP_SNAPSHOTS: asks for a heap snapshot (written in the background, pausing the server). */
    heapSnapshot: () => snapshots && child.exitCode === null && child.kill('SIGUSR2'),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
