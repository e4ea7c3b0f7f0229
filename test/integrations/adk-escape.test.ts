/**
 * The escape battery through the ADK code executor, as a hostile model's cells: the MCP escape
 * test's attempts through Pyodide's bridges to JavaScript, plus the same reaches in plain Python
 * (open, os.environ, urllib, subprocess), at canaries this test plants: a file holding a secret,
 * an environment variable of this process, a loopback server, a path outside. Through
 * `SandboxCodeExecutor` (a Deno process) every attempt fails; through ADK's own
 * `UnsafeLocalCodeExecutor` (python3 as a child process of the app) the plain-Python ones succeed.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BaseCodeExecutor, type CodeExecutionInput, type InvocationContext, UnsafeLocalCodeExecutor } from '@google/adk';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SandboxCodeExecutor } from '../../dist/adk.node.js';
import { type CanaryServer, startCanaryServer } from '../support/canary-server.js';
import { type EscapeTargets, attemptCell, hostileAttempts, machineAttempts, outcomeOf } from '../support/escape-attempts.js';

const SECRET = `ADK-KEY-CANARY-${randomUUID()}`;
const ENV_NAME = 'ADK_ESCAPE_CANARY';
const ENV_VALUE = `adk-env-canary-${randomUUID()}`;

let folder: string;
let canary: CanaryServer;
let targets: EscapeTargets;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'adk-escape-'));
  writeFileSync(join(folder, 'id_ed25519'), SECRET);
  process.env[ENV_NAME] = ENV_VALUE;
  canary = await startCanaryServer();
  targets = { keyFile: join(folder, 'id_ed25519'), envName: ENV_NAME, canaryUrl: canary.url, outside: join(folder, 'written-by-python') };
});

afterAll(async () => {
  delete process.env[ENV_NAME];
  await canary?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** The same reaches in plain Python, which CPython runs as well as Pyodide. */
function plainAttempts(): Record<string, string> {
  const { keyFile, envName, canaryUrl, outside } = targets;
  return {
    'file via open': `open(${JSON.stringify(keyFile)}).read()`,
    'environment via os.environ': `__import__('os').environ.get(${JSON.stringify(envName)})`,
    'network via urllib': `__import__('urllib.request').request.urlopen(${JSON.stringify(canaryUrl)}, timeout=5).status`,
    'write outside via open': `open(${JSON.stringify(outside)}, 'w').write('x')`,
    'process via subprocess': `__import__('subprocess').run(['/usr/bin/id'], capture_output=True, text=True).stdout`,
  };
}

function plainCell(expression: string): string {
  return `try:
    print('escaped: ' + str(${expression})[:100])
except BaseException as e:
    print('blocked: ' + type(e).__name__ + ': ' + str(e)[:160])
`;
}

/**
 * Runs each attempt as the first cell of a session of its own, as ADK calls the executor (a blocked
 * import of a node: module can leave an uncaught rejection that stops the interpreter at its next
 * cell: each attempt is judged alone); returns each one's outcome.
 */
async function runBattery(executor: BaseCodeExecutor, cells: Record<string, string>): Promise<Record<string, string>> {
  const report: Record<string, string> = {};
  for (const [name, code] of Object.entries(cells)) {
    const invocationContext = { invocationId: 'escape', session: { appName: 'escape', userId: 'model', id: name, events: [] } } as unknown as InvocationContext;
    const codeExecutionInput = { code, language: 'python', inputFiles: [], executionId: name } as CodeExecutionInput;
    const result = await executor.executeCode({ invocationContext, codeExecutionInput });
    report[name] = outcomeOf(result.stdout) ?? `crashed: ${(result.stderr || result.stdout).slice(0, 200)}`;
  }
  return report;
}

const mapValues = (cells: Record<string, string>, wrap: (expression: string) => string) =>
  Object.fromEntries(Object.entries(cells).map(([name, expression]) => [name, wrap(expression)]));

describe('SandboxCodeExecutor (Python in a Deno process)', () => {
  let executor: SandboxCodeExecutor;
  let report: Record<string, string>;

  beforeAll(async () => {
    canary.reset();
    executor = new SandboxCodeExecutor();
    // The host's stdout and stdin are Deno's /dev/null here; killing the host is this test's own process.
    const hostile = Object.fromEntries(Object.entries(hostileAttempts('x\n')).filter(([name]) => name.startsWith('kill')));
    report = await runBattery(executor, {
      ...mapValues({ ...machineAttempts(targets), ...hostile }, attemptCell),
      ...mapValues(plainAttempts(), plainCell),
    });
    if (process.env.SHOW_ESCAPES) console.log(report);
  }, 240_000);

  afterAll(async () => {
    await executor?.close();
  });

  test('blocks every attempt: files, environment, network, writes, processes, native code, the host itself', () => {
    expect(Object.keys(report)).toHaveLength(19);
    // An environment read that finds nothing is no escape; the value itself must never appear.
    expect(Object.entries(report).filter(([, outcome]) => outcome.startsWith('escaped') && !/^escaped: (None)?$/.test(outcome))).toEqual([]);
    // Each failed at the boundary (a permission, an API the Deno worker lacks, Pyodide's own file system, network and processes), not by
    // chance; under load, the rejection a blocked node: import leaves may stop the interpreter before the cell prints (a crash reaches nothing).
    for (const [name, outcome] of Object.entries(report)) {
      if (outcome === 'escaped: None') continue;
      expect(outcome, name).toMatch(
        /^blocked: .*(NotCapable|Deno is not defined|AttributeError: Deno|\[Errno 44\] No such file|Host is unreachable|emscripten does not support processes)|^crashed: SandboxCrash: The Python worker stopped/,
      );
    }
    const text = JSON.stringify(report);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(ENV_VALUE);
    expect(text).not.toContain('uid=');
  });

  test('nothing reached the canary, nothing was written outside, and the host lives on', async () => {
    expect(canary.connections).toBe(0);
    expect(canary.count).toBe(0);
    expect(existsSync(targets.outside)).toBe(false);
    const after = await runBattery(executor, { alive: "print('escaped: ' + str(6 * 7))" });
    expect(after.alive).toBe('escaped: 42');
  });
});

describe("ADK's UnsafeLocalCodeExecutor (python3, a child process of the app), the same plain-Python attempts", () => {
  test('reads the planted file and variable, reaches the canary, writes outside and runs a process', async () => {
    canary.reset();
    try {
      const report = await runBattery(new UnsafeLocalCodeExecutor(), mapValues(plainAttempts(), plainCell));
      expect(report['file via open']).toBe(`escaped: ${SECRET}`);
      expect(report['environment via os.environ']).toBe(`escaped: ${ENV_VALUE}`);
      expect(report['network via urllib']).toBe('escaped: 200');
      expect(canary.count).toBeGreaterThan(0);
      expect(report['write outside via open']).toBe('escaped: 1');
      expect(readFileSync(targets.outside, 'utf8')).toBe('x');
      expect(report['process via subprocess']).toMatch(/^escaped: uid=/);
    } finally {
      rmSync(targets.outside, { force: true });
    }
  }, 60_000);
});
