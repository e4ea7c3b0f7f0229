/**
 * The command line: `pyodide-code-execution mcp [flags]` serves MCP on stdio, or with
 * `--http <port>` over streamable HTTP. Flags map one to one onto the server's options and its
 * `limits`, the server's and the sandbox's alike (`--timeout-ms` is `limits.timeoutMs`,
 * `--max-sessions` is `limits.maxSessions`; `--idle-minutes` sets `limits.idleMs`, in minutes as a
 * person types them). Nothing but MCP goes to stdout while serving stdio; messages go to stderr.
 */
import { isAbsolute } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_LIMITS } from '../../sandbox/limits.js';
import type { McpServerLimits } from '../../agent/agent-limits.js';
import { type HttpMcpServerOptions, serveHttpSessions } from './transports/http.js';
import { MCP_DEFAULTS, type PythonMcpServerOptions, type RunningMcpServer } from './options.js';
import { serveStdioSessions } from './transports/stdio.js';
import { boundaryNotice, checkBoundary } from './boundary.js';
import { type DownstreamServer, downstreamFlags } from '../mcp-gateway/config.js';
import { type Downstream, connectDownstream } from '../mcp-gateway/downstream.js';

/** What the command line asks for. */
export type CliCommand =
  | { kind: 'help' }
  | { kind: 'stdio'; options: PythonMcpServerOptions; servers?: DownstreamServer[] }
  | { kind: 'http'; options: HttpMcpServerOptions; servers?: DownstreamServer[] };

/** The server's own limits with their meaning, then the sandbox's: each flag sets `limits.<name>`. */
const SERVER_LIMIT_FLAGS = [
  ['maxSessions', 'sessions at once over HTTP'],
  ['maxBoots', 'interpreters booting at once, the rest wait their turn; one per core by default'],
  ['maxCodeChars', 'longest code of one call'],
  ['maxPendingCalls', 'calls one session may have running or queued'],
] as const;
const LIMIT_FLAGS = [...SERVER_LIMIT_FLAGS.map(([key]) => key), ...(Object.keys(DEFAULT_LIMITS) as (keyof typeof DEFAULT_LIMITS)[])].map(
  (key) => [kebab(key), key] as const,
);

/** The usage text of `pyodide-code-execution mcp --help`. */
export function usage(): string {
  // A flag longer than the column still gets a space before its meaning.
  const line = (flag: string, meaning: string) => `${`  --${flag} <n>`.padEnd(31)} ${meaning}`;
  const server = SERVER_LIMIT_FLAGS.map(([key, meaning]) => line(kebab(key), `${meaning}: limits.${key} (default ${MCP_DEFAULTS[key]})`));
  const sandbox = Object.entries(DEFAULT_LIMITS).map(([key, value]) => line(kebab(key), `limits.${key} (default ${value})`));
  return [
    'Usage: pyodide-code-execution mcp [options]',
    '',
    'Serves Python (Pyodide) as MCP tools run_python, write_file, read_file, reset and rewind_python: on stdio,',
    'or over streamable HTTP with --http. Python runs in a Deno process whose permissions allow no',
    'file outside its runtime, no environment, no network and no processes (needs `npm install deno`).',
    '',
    'Options:',
    '  --http <port>                 serve streamable HTTP at http://<host>:<port>/mcp (0: any free port)',
    '  --host <address>              address to listen on with --http (default 127.0.0.1)',
    '  --allowed-host <name>         a further Host/Origin name accepted over HTTP (repeatable; always: loopback names and --host)',
    "  --instance <name>             with --http: this server's name in its handles and session ids, for a load balancer (default: random)",
    ...server,
    line(
      'idle-minutes',
      `close a session after this many minutes without calls (0: never): limits.idleMs, in minutes (default ${MCP_DEFAULTS.idleMs / 60_000})`,
    ),
    '  --package-index <url>         a PEP 691 index for imports the lock file lacks (default: off)',
    '  --snapshot-dir <dir>          keep boot snapshots in this folder, for faster starts later',
    "  --skills-dir <dir>            keep the model's skills/<name>.py helpers in this folder, for later sessions",
    "  --state-dir <dir>             save idle interpreters in this folder: they survive a restart, and instances sharing it take up each other's",
    '  --state-name <name>           on stdio with --state-dir: resume the state saved under this name (one process per name)',
    "  --max-state-bytes <n>         bound on the saved states' total bytes (one save: half); the largest are evicted past it (default 1073741824)",
    '  --checkpoints <n>             checkpoints each interpreter keeps for rewind_python and fork_python (default 20; 0: off)',
    '  --warm-spare                  keep a second interpreter per session: staged for rewinds (fast restarts without checkpoints)',
    '  --task-after-ms <n>           a run_python still running after this many ms becomes a task, for Tasks clients (default 2000)',
    '  --allow-net[=<hosts>]         let Python reach the network: any host, or host[:port],... only',
    '  --allow-read <dir>            let Python read this folder (fetch of its file: URLs; repeatable)',
    '  --deno <path>                 the Deno executable (default: the deno npm package, else PATH)',
    '  --isolation <deno|worker>     worker: a Node worker thread, no boundary; trusted code only (default deno)',
    '  --mcp-server <name>=<cmd|url> a downstream MCP server whose tools Python calls as default_api.<name>__<tool> (repeatable)',
    '  --mcp-config <file>           downstream MCP servers from an mcpServers JSON file (Claude Desktop, Cursor, Gemini CLI)',
    ...sandbox,
    '  -h, --help                    this text',
  ].join('\n');
}

/**
 * Reads the command line (the arguments after the program's name).
 * @throws {TypeError} an unknown command or flag, or a value that is not a number where one is needed.
 */
export function parseCommandLine(argv: readonly string[]): CliCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') return { kind: 'help' };
  if (command !== 'mcp') throw new TypeError(`Unknown command "${command}"; the one command is "mcp".`);
  const { values } = parseArgs({
    // Deno's own spelling: a bare --allow-net opens every host.
    args: rest.map((arg) => (arg === '--allow-net' ? '--allow-net=' : arg)),
    strict: true,
    allowPositionals: false,
    options: {
      http: { type: 'string' },
      host: { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      instance: { type: 'string' },
      'idle-minutes': { type: 'string' },
      'package-index': { type: 'string' },
      'snapshot-dir': { type: 'string' },
      'skills-dir': { type: 'string' },
      'state-dir': { type: 'string' },
      'state-name': { type: 'string' },
      'max-state-bytes': { type: 'string' },
      checkpoints: { type: 'string' },
      'warm-spare': { type: 'boolean' },
      'task-after-ms': { type: 'string' },
      'allow-net': { type: 'string', multiple: true },
      'allow-read': { type: 'string', multiple: true },
      deno: { type: 'string' },
      isolation: { type: 'string' },
      'mcp-server': { type: 'string', multiple: true },
      'mcp-config': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
      ...Object.fromEntries(LIMIT_FLAGS.map(([flag]) => [flag, { type: 'string' as const }])),
    },
  });
  if (values.help) return { kind: 'help' };
  const flag = (name: string) => values[name as keyof typeof values] as string | undefined;
  const limits: McpServerLimits = {};
  for (const [name, key] of LIMIT_FLAGS) {
    const value = flag(name);
    if (value !== undefined) limits[key] = numberFlag(name, value);
  }
  const idleMinutes = flag('idle-minutes');
  if (idleMinutes !== undefined) limits.idleMs = numberFlag('idle-minutes', idleMinutes) * 60_000;
  const options: PythonMcpServerOptions = {
    limits,
    packageIndex: flag('package-index') ?? false,
    ...(flag('snapshot-dir') !== undefined && { snapshotCache: { directory: flag('snapshot-dir') as string } }),
    ...(flag('skills-dir') !== undefined && { skillsDirectory: flag('skills-dir') as string }),
    ...(flag('state-dir') !== undefined && { stateDirectory: flag('state-dir') as string }),
    ...(flag('state-name') !== undefined && { stateName: flag('state-name') as string }),
    ...(flag('max-state-bytes') !== undefined && { maxStateBytes: numberFlag('max-state-bytes', flag('max-state-bytes') as string) }),
    ...(flag('checkpoints') !== undefined && { checkpoints: numberFlag('checkpoints', flag('checkpoints') as string) }),
    ...(values['warm-spare'] && { warmSpare: true }),
    ...(flag('task-after-ms') !== undefined && { taskAfterMs: numberFlag('task-after-ms', flag('task-after-ms') as string) }),
    ...boundaryFlags(values),
  };
  const servers = downstreamFlags(values);
  const http = flag('http');
  if (http !== undefined && values['state-name'] !== undefined)
    throw new TypeError('--state-name goes with stdio: over HTTP each handle and session is saved under its own name.');
  if (http === undefined) {
    if (values.host !== undefined || values['allowed-host'] !== undefined || values.instance !== undefined)
      throw new TypeError('--host, --allowed-host and --instance go with --http.');
    return { kind: 'stdio', options, ...servers };
  }
  return {
    kind: 'http',
    options: {
      ...options,
      port: numberFlag('http', http),
      ...(values.host !== undefined && { host: values.host }),
      ...(values['allowed-host'] && { allowedHosts: values['allowed-host'] }),
      ...(values.instance !== undefined && { instance: values.instance }),
    },
    ...servers,
  };
}

/**
 * Runs the command line: serves until stdin closes (stdio) or a SIGINT/SIGTERM, then resolves
 * with the exit code.
 * @param argv The arguments after the program's name, e.g. `['mcp', '--http', '3000']`.
 */
export async function runCommandLine(argv: readonly string[]): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage()}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    // With no command at all the help is a mistake's answer, so it goes to stderr like other errors.
    (argv.length === 0 ? process.stderr : process.stdout).write(`${usage()}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  let server: RunningMcpServer;
  // Downstream servers start only when configured; their notices and stderr go to stderr, never stdout.
  const servers = command.servers;
  let connecting: Promise<Downstream> | undefined;
  const connect = servers && (() => (connecting ??= connectDownstream(servers, (line) => process.stderr.write(`pyodide-code-execution: ${line}\n`))));
  try {
    for (const line of boundaryNotice(command.options)) process.stderr.write(`pyodide-code-execution: ${line}\n`);
    // Served all the same: a client shows a server that exits as "failed to connect", and nobody reads its stderr;
    // every call answers with this message instead (boundary.ts).
    await checkBoundary(command.options).catch((error: Error) => {
      process.stderr.write(`pyodide-code-execution: ${error.message} Serving anyway: every call answers with this.\n`);
    });
    if (command.kind === 'http') {
      // Each session calls through connections of its own, so no client reads what another's Python left in a server;
      // the listing's are ended.
      const downstream = await connect?.();
      const http = await serveHttpSessions(command.options, {}, downstream && (() => downstream.forSession()));
      void downstream?.release();
      process.stderr.write(`pyodide-code-execution: MCP over streamable HTTP at ${http.url}\n`);
      server = http;
    } else {
      // Connected when a request first needs the tools, not at start: a 2026-07-28 client starts a server only to
      // ask server/discover. The one client on stdio calls through the connections that listed the tools.
      server = await serveStdioSessions(command.options, {}, connect && (async () => (await connect()).functions));
    }
  } catch (error) {
    process.stderr.write(`pyodide-code-execution: ${(error as Error).message}\n`);
    await (await connecting)?.close();
    return 2;
  }
  const stop = () => void server.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await server.closed;
  await (await connecting)?.close();
  return 0;
}

/** `--isolation`, `--deno` and the `--allow-*` flags, as the server's `isolation` and `deno` options. */
function boundaryFlags(values: Record<string, unknown>): Pick<PythonMcpServerOptions, 'isolation' | 'deno'> {
  const isolation = values.isolation as string | undefined;
  if (isolation !== undefined && isolation !== 'deno' && isolation !== 'worker') throw new TypeError(`--isolation takes deno or worker; got "${isolation}".`);
  const net = values['allow-net'] as string[] | undefined;
  const hosts = net?.flatMap((value) => value.split(',')).filter(Boolean);
  const folders = (name: string) => {
    const list = values[name] as string[] | undefined;
    for (const folder of list ?? []) if (!isAbsolute(folder)) throw new TypeError(`--${name} takes an absolute folder; got "${folder}".`);
    return list;
  };
  const deno = {
    ...(values.deno !== undefined && { path: values.deno as string }),
    ...(net !== undefined && { allowNet: hosts?.length && !net.includes('') ? hosts : true }),
    ...(values['allow-read'] !== undefined && { allowRead: folders('allow-read') }),
  };
  if (isolation === 'worker') {
    if (Object.keys(deno).length > 0) throw new TypeError('--deno and --allow-* apply to the Deno process; --isolation worker has no boundary to open.');
    return { isolation };
  }
  return Object.keys(deno).length > 0 ? { deno } : {};
}

function numberFlag(name: string, value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) throw new TypeError(`--${name} takes a number; got "${value}".`);
  return number;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
