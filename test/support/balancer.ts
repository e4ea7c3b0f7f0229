/**
 * The shipped load-balancer configuration (examples/mcp-balancer/haproxy.cfg) run by Debian's
 * HAProxy on loopback, in front of servers the test started, as a child process it ends by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The configuration users copy. */
export const HAPROXY_CONFIG = fileURLToPath(new URL('../../examples/mcp-balancer/haproxy.cfg', import.meta.url));

/** Where the tests find HAProxy: `HAPROXY_PATH`, else Debian's (scripts/prepare-test-machine.mjs installs it). */
export const HAPROXY = process.env.HAPROXY_PATH ?? '/usr/sbin/haproxy';

/** Whether HAProxy is there. */
export const haproxyPresent = existsSync(HAPROXY);

/** A running balancer. */
export interface Balancer {
  /** Its MCP endpoint. */
  url: string;
  /** What HAProxy wrote so far (its warnings: a server going down). */
  output(): string;
  stop(): Promise<void>;
}

/** A free loopback port (listened on and let go). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts HAProxy with the shipped configuration in front of `servers` (py1, py2, py3 in order: their `host:port`), once it listens. */
export async function startBalancer(servers: [string, string, string]): Promise<Balancer> {
  const port = await freePort();
  const env = { ...process.env, MCP_LISTEN: `127.0.0.1:${port}`, MCP_PY1: servers[0], MCP_PY2: servers[1], MCP_PY3: servers[2] };
  const child = spawn(HAPROXY, ['-db', '-f', HAPROXY_CONFIG], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  for (let tries = 0; !(await listening(port)); tries++) {
    if (child.exitCode !== null || tries > 100) {
      await stop(child);
      throw new Error(`HAProxy did not start: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: `http://127.0.0.1:${port}/mcp`, output: () => output, stop: () => stop(child) };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
  await exited;
}
