/**
 * The MCP server as Gemini CLI meets it: the real `@google/gemini-cli` (from npm, installed once
 * into node_modules/.cache), headless (`-p … --output-format stream-json`), in a throwaway home
 * with a trusted folder, its model a fake Gemini on loopback (GOOGLE_GEMINI_BASE_URL) that calls
 * the server's run_python in turn. Gemini CLI takes a result without `structuredContent` for
 * JSON when its first text block parses as JSON, and fails it unless it is an object, so these are
 * the first things a user types. The server runs with `--isolation worker` to keep the test short,
 * but for the check without Deno. Skipped, naming what is missing, if the CLI cannot be installed.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { declaredFunctions, functionCall, reply, text } from '../fake-gemini/scenarios.js';
import { FakeGemini, type ScriptedTurn } from '../fake-gemini/server.js';
import type { RecordedRequest } from '../fake-gemini/wire.js';
import { DISPLAY_PNG_CODE } from '../support/agent-fixtures.js';
import { CLI, type DenolessCli, GEMINI_CLI_VERSION, denolessCli, installGeminiCli } from '../support/mcp.js';

const gemini = installGeminiCli();
if (gemini.missing) console.warn(`test/integrations/mcp-gemini-cli.test.ts skipped: ${gemini.missing}`);

/** The model Gemini CLI is told to use (`-m`), so it asks no router model first. */
const MODEL = 'gemini-3-flash-preview';

/** One line of `--output-format stream-json`. */
interface StreamEvent {
  type: string;
  status?: string;
  output?: string;
  tool_name?: string;
  [key: string]: unknown;
}

interface CliRun {
  events: StreamEvent[];
  toolResults: StreamEvent[];
  status: number | null;
  stderr: string;
}

/** The name Gemini CLI gave run_python in the request's declarations (`mcp_<server>_run_python`). */
function runPythonName(request: RecordedRequest): string {
  const name = declaredFunctions(request).find((candidate) => candidate.endsWith('run_python'));
  if (!name) throw new Error(`no run_python among the declared tools: ${declaredFunctions(request).join(', ')}`);
  return name;
}

/**
 * The fake model's turns: one run_python call per code, then a closing text. Each call has an id,
 * as the API may send: Gemini CLI adds its own to a call without one, which changes the signed
 * part it sends back (the fake refuses that, as a changed model turn).
 */
function callEach(codes: readonly string[]): ScriptedTurn[] {
  return [
    ...codes.map((code, index): ScriptedTurn => ({ reply: (request) => reply([functionCall(runPythonName(request), { code }, `call-${index}`)]) })),
    { reply: reply([text('Done.')]) },
  ];
}

/** A throwaway home whose Gemini CLI settings name the MCP server `python` (`command args`), and a folder it trusts. */
function geminiHome(server: { command: string; args: string[]; env?: Record<string, string> }): { home: string; work: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'gemini-cli-'));
  const home = join(root, 'home');
  const work = join(root, 'work');
  mkdirSync(join(home, '.gemini'), { recursive: true });
  mkdirSync(work);
  const settings = {
    security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: true } },
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
    privacy: { usageStatisticsEnabled: false },
    mcpServers: { python: { ...server, trust: true, timeout: 60_000 } },
  };
  writeFileSync(join(home, '.gemini', 'settings.json'), JSON.stringify(settings));
  // An untrusted folder runs no MCP server, and headless Gemini CLI does not say so.
  writeFileSync(join(home, '.gemini', 'trustedFolders.json'), JSON.stringify({ [work]: 'TRUST_FOLDER' }));
  return { home, work, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Runs `gemini -m MODEL -p prompt --output-format stream-json` in `work` against `fake`. */
function runGemini(place: { home: string; work: string }, fake: FakeGemini, prompt: string): Promise<CliRun> {
  const env = {
    HOME: place.home,
    PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
    GEMINI_API_KEY: 'fake-key',
    GOOGLE_GEMINI_BASE_URL: fake.baseUrl,
    NO_COLOR: '1',
  };
  const child = spawn(process.execPath, [gemini.script ?? '', '-m', MODEL, '-p', prompt, '--output-format', 'stream-json'], {
    cwd: place.work,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
  return new Promise((resolve) => {
    child.on('close', (status) => {
      clearTimeout(timer);
      const events = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as StreamEvent);
      resolve({ events, toolResults: events.filter((event) => event.type === 'tool_result'), status, stderr });
    });
  });
}

describe.skipIf(!!gemini.missing)(`Gemini CLI ${GEMINI_CLI_VERSION}, headless, through the stdio server`, () => {
  let fake: FakeGemini;
  beforeAll(async () => {
    fake = await FakeGemini.start();
  });
  afterAll(async () => {
    await fake?.close();
  });

  describe('with --isolation worker', () => {
    const codes = ['x=41', 'x+1', 'print(sum(range(10)))', '[1, 2]', DISPLAY_PNG_CODE, '1 / 0'];
    const place = geminiHome({ command: process.execPath, args: [CLI, 'mcp', '--isolation', 'worker'] });
    let run: CliRun;
    beforeAll(async () => {
      fake.reset().script(callEach(codes));
      run = await runGemini(place, fake, 'Run these in Python.');
    }, 120_000);
    afterAll(() => place.remove());

    test('each call is a success with the right value, state kept between them', () => {
      expect(fake.failures).toEqual([]);
      expect(run.toolResults.map((result) => result.status)).toEqual(codes.map(() => 'success'));
      const outputs = run.toolResults.map((result) => result.output ?? '');
      expect(outputs.slice(0, 4)).toEqual(['(no output)', '42', '45', '[1, 2]']);
      expect(outputs[4]).toBe('drawn\n[Image: image/png]');
      expect(outputs[5]).toMatch(/ZeroDivisionError: division by zero\n\nOutcome: OUTCOME_FAILED$/);
      expect(run.events.at(-1)).toMatchObject({ type: 'result', status: 'success' });
      expect(run.status).toBe(0);
    });

    test("the model is told of the image with its type, after the run's text", () => {
      // The request after the image's call carries its function response. (Gemini CLI 0.61 sent the
      // bytes nowhere in this request: its own choice, the MCP result had them as an image block.)
      const answer = JSON.stringify(fake.requests[5].body.contents.at(-1));
      expect(answer).toContain('drawn');
      expect(answer).toContain('provided the following image data with mime-type: image/png');
    });
  });

  describe('without Deno', () => {
    let bare: DenolessCli;
    let place: ReturnType<typeof geminiHome>;
    let run: CliRun;
    beforeAll(async () => {
      bare = denolessCli();
      place = geminiHome({ command: process.execPath, args: [bare.cli, 'mcp'], env: bare.env });
      fake.reset().script(callEach(['x + 1']));
      run = await runGemini(place, fake, 'Run x + 1 in Python.');
    }, 120_000);
    afterAll(() => {
      place?.remove();
      bare?.remove();
    });

    test('the server connects, and the tool result shows the install line and the way out', () => {
      expect(run.toolResults).toHaveLength(1);
      const shown = JSON.stringify(run.toolResults[0]);
      expect(run.toolResults[0].status).toBe('error');
      expect(shown).toContain('npm install deno');
      expect(shown).toContain('--isolation worker');
      // The model read it too, in the function response.
      expect(JSON.stringify(fake.requests.at(-1)?.body.contents.at(-1))).toContain('npm install deno');
    });
  });
});
