/**
 * Three MCP HTTP servers behind the shipped HAProxy configuration (examples/mcp-balancer/haproxy.cfg)
 * sharing one state folder, as docs/mcp.md's "Many servers, one address" runs them, and clients of
 * both protocol eras that each keep one counter `n` in their own interpreter: the harness of
 * `npm run soak` (soak.mjs) and of the 30-clients-come-back check (comeback.mjs). Each server is
 * started from a frozen copy of the build on a port of its own, so one killed can be started again
 * where the balancer expects it.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { freezeBuild } from './frozen-build.mjs';
import { processTree } from './process-tree.mjs';
import { testSupport } from './run-alone.mjs';
import { startMcpServer } from './mcp-server-process.mjs';

/** The cell every call runs: one more than the last, or 1 in an interpreter that never had `n`. */
export const COUNT_CELL = 'n = globals().get("n", 0) + 1\nn';
/** The words of every busy answer (src/integrations/mcp/errors.ts, BUSY_RETRY_SECONDS). */
export const BUSY = /call again in (\d+) seconds/i;
/** A call's timeout at the client: past the 30 s line, a boot and a cell, so the server's answer is what is counted; a call never answered (its server killed under it) ends as an error. */
const CALL_TIMEOUT_MS = 180_000;

/** The servers (`py1`..`py3`), the balancer in front, and the shared folder; `stop()` ends them and removes the folders. */
export async function startCluster({ flags, log }) {
  const { freePort, startBalancer } = await testSupport('balancer.ts');
  const build = freezeBuild();
  // SOAK_NO_SHIPPED_SNAPSHOT=1: as a build without its snapshot (or a custom indexURL) boots, each process making its own.
  const snapshot = join(build.distDir, 'pyodide', 'sandbox-snapshot.bin.gz');
  if (process.env.SOAK_NO_SHIPPED_SNAPSHOT === '1') rmSync(snapshot, { force: true });
  // A copy taken while dist/ is being rebuilt lacks the snapshot the build makes last.
  else if (!existsSync(snapshot)) {
    build.remove();
    throw new Error(
      'dist/ has no pyodide/sandbox-snapshot.bin.gz (a build under way?): run npm run build, or set SOAK_NO_SHIPPED_SNAPSHOT=1 to run without it',
    );
  }
  const stateDir = mkdtempSync(join(tmpdir(), 'mcp-soak-state-'));
  const cli = join(build.distDir, 'cli.js');
  const ports = [await freePort(), await freePort(), await freePort()];
  const servers = await Promise.all(ports.map((port, i) => startMcpServer(cli, { name: `py${i + 1}`, port, flags: [...flags, '--state-dir', stateDir] })));
  const balancer = await startBalancer(ports.map((port) => `127.0.0.1:${port}`));
  log(`servers py1..py3 on ${ports.join(', ')} behind ${balancer.url}; state folder ${stateDir}`);
  return {
    url: balancer.url,
    servers,
    stateDir,
    savedStates: () => readdirSync(stateDir).filter((name) => name.endsWith('.state')).length,
    /** SIGKILLs server `i` alone, as a crash would; its Deno processes are left to notice. Returns those still alive 5 s later, killed then. */
    async kill(i) {
      const server = servers[i];
      const tree = processTree(server.pid);
      process.kill(server.pid, 'SIGKILL');
      await server.exited;
      await new Promise((resolve) => setTimeout(resolve, 5000));
      const orphans = tree.slice(1).filter((pid) => alive(pid));
      for (const pid of orphans) process.kill(pid, 'SIGKILL');
      return orphans.length;
    },
    async restart(i) {
      servers[i] = await startMcpServer(cli, { name: servers[i].name, port: ports[i], flags: [...flags, '--state-dir', stateDir] });
    },
    async stop() {
      await balancer.stop();
      await Promise.all(servers.map((server) => server.stop()));
      rmSync(stateDir, { recursive: true, force: true });
      build.remove();
    },
  };
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * One client counting in its own interpreter: a 2026-07-28 client (the v2 SDK pinned, its
 * interpreter behind a handle) or a 2025 one (the 1.x SDK, a session). `step()` runs the count
 * cell once and says what came back against what the client expects.
 */
export class CountingClient {
  constructor(url, era, id) {
    this.url = url;
    this.era = era;
    this.id = id;
    /** The last `n` this client saw; 0 before its first. */
    this.expected = 0;
    /** Its handle (2026) or session id (2025): the server that gave it out starts it. */
    this.key = undefined;
  }

  /** The instance holding this client's state, by the name that starts its key. */
  get home() {
    return this.key?.split('.')[0];
  }

  async connect() {
    if (this.era === 'modern') {
      this.client = new ModernClient({ name: `soak-${this.id}`, version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
      await this.client.connect(new ModernTransport(new URL(this.url)));
      // Listed, the SDK sends the handle as Mcp-Param-Handle too: the balancer routes on it.
      await this.client.listTools();
    } else {
      this.client = new LegacyClient({ name: `soak-${this.id}`, version: '1.0.0' });
      this.transport = new LegacyTransport(new URL(this.url));
      await this.client.connect(this.transport);
      this.key = this.transport.sessionId;
      this.expected = 0;
    }
  }

  /**
   * Runs the cell once. Returns `{ kind, ms, home, ... }`: `ok`, `busy` (with the seconds to
   * wait), `lost` or `rollback` (each `told` or not), `ahead` (more than one step past what it
   * expected), `error` (with `what`), and for a 2025 session the server no longer holds, `gone`.
   */
  async step() {
    const home = this.home;
    const started = performance.now();
    const args = { code: COUNT_CELL, ...(this.era === 'modern' && this.key && { handle: this.key }) };
    let result;
    try {
      result = await this.client.callTool({ name: 'run_python', arguments: args }, undefined, { timeout: CALL_TIMEOUT_MS });
    } catch (error) {
      const ms = performance.now() - started;
      const message = String(error?.message ?? error);
      // A 2025 session the servers no longer hold (404): told, so a new one is begun, from 0; a loss if it had counted.
      if (this.era === 'legacy' && /404|Session not found/i.test(message)) return { kind: 'gone', ms, home, told: true, had: this.expected };
      // 503 with Retry-After (a session taken up again at --max-sessions): busy, before any session is held.
      const busy = BUSY.exec(message);
      if (busy) return { kind: 'busy', seconds: Number(busy[1]), ms, home };
      return { kind: 'error', what: `thrown: ${shorten(message)}`, ms, home };
    }
    const ms = performance.now() - started;
    const text = (result.content ?? []).map((part) => part.text ?? '').join('\n');
    if (result.isError) {
      const busy = BUSY.exec(text);
      if (busy) return { kind: 'busy', seconds: Number(busy[1]), ms, home };
      // A handle whose state is gone says so: told, and the next call starts anew.
      if (/Call the tool without a handle/.test(text)) {
        this.key = undefined;
        this.expected = 0;
        return { kind: 'lost', told: true, ms, home, what: shorten(text) };
      }
      return { kind: 'error', what: shorten(text), ms, home };
    }
    const content = result.structuredContent ?? {};
    if (this.era === 'modern' && !this.key) this.key = content.handle;
    if (content.outcome !== 'OUTCOME_OK') return { kind: 'error', what: `outcome ${content.outcome}: ${shorten(text)}`, ms, home };
    const got = Number(content.result);
    const want = this.expected + 1;
    const told = content.stateLost === true;
    this.expected = got;
    if (got === want) return { kind: 'ok', told, ms, home };
    if (got > want) return { kind: 'ahead', got, want, ms, home };
    return { kind: got === 1 ? 'lost' : 'rollback', told, got, want, ms, home: home ?? this.home, note: content.note };
  }

  /** A 2025 client whose session is gone begins another. */
  async renew() {
    await this.client.close().catch(() => {});
    await this.connect();
  }

  async close() {
    await this.client?.close().catch(() => {});
  }
}

/** An error's words without what differs between calls (handles, numbers), for counting by kind. */
function shorten(text) {
  return text
    .replace(/"[a-z0-9-]+\.[A-Za-z0-9_-]{22}"/g, '"<handle>"')
    .replace(/\d+/g, 'N')
    .slice(0, 140);
}
