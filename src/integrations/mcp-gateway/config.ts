/**
 * Which downstream MCP servers the gateway connects, as the user configured them: the `mcpServers`
 * JSON that Claude Desktop, Cursor and Gemini CLI read (`command`, `args`, `env`, `cwd` for a
 * process on stdio; `url` or Gemini CLI's `httpUrl`, with `headers`, for Streamable HTTP), and the
 * command line's `--mcp-server name=<command line or URL>`. Nothing else starts a server: Python
 * only calls the tools of those configured here.
 */
import { readFileSync } from 'node:fs';
import { isObject } from '../../common/json-object.js';
import { isServerName } from '../mcp-tools/names.js';

/** One downstream server: a process spoken to on stdio, or a Streamable HTTP endpoint. */
export type DownstreamServer =
  | { name: string; command: string; args: string[]; env: Record<string, string>; cwd?: string }
  | { name: string; url: string; headers: Record<string, string> };

/** The most downstream servers one gateway connects. */
const MAX_SERVERS = 32;

/**
 * The servers of an `mcpServers` JSON text (`source` names it in errors). Servers marked
 * `"disabled": true` are left out; an SSE endpoint (`"type": "sse"`, Gemini CLI's `url`) is refused,
 * as the gateway speaks Streamable HTTP only.
 * @throws {TypeError} the text is not such JSON, or a server's entry is not usable.
 */
export function serversFromJson(text: string, source: string): DownstreamServer[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`${source} is not JSON: ${(error as Error).message}`);
  }
  const servers = (parsed as { mcpServers?: unknown } | null)?.mcpServers;
  if (!isObject(servers)) throw new TypeError(`${source} has no "mcpServers" object`);
  return Object.entries(servers)
    .filter(([, entry]) => !(isObject(entry) && entry.disabled === true))
    .map(([name, entry]) => serverOf(name, entry, `${source}: mcpServers.${name}`));
}

/** The servers of the config files `paths`. @throws {TypeError} a file that cannot be read or used. */
export function serversFromFiles(paths: readonly string[]): DownstreamServer[] {
  return paths.flatMap((path) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new TypeError(`--mcp-config ${path} cannot be read: ${(error as Error).message}`);
    }
    return serversFromJson(text, path);
  });
}

/**
 * `name=<command line>` or `name=<http(s) URL>`, as `--mcp-server` takes it. The command line is
 * split at spaces, without a shell (for arguments with spaces, use a config file).
 * @throws {TypeError} no `=`, or nothing after it.
 */
export function serverFromFlag(value: string): DownstreamServer {
  const at = value.indexOf('=');
  const name = value.slice(0, at);
  const target = value.slice(at + 1).trim();
  if (at < 1 || target === '') throw new TypeError(`--mcp-server takes name=<command line> or name=<URL>; got "${value}"`);
  if (/^https?:\/\//i.test(target)) return serverOf(name, { url: target }, `--mcp-server ${name}`);
  const [command, ...args] = target.split(/\s+/);
  return serverOf(name, { command, args }, `--mcp-server ${name}`);
}

/** Every configured server, each name once. @throws {TypeError} two servers of one name, or too many. */
export function checkServers(servers: readonly DownstreamServer[]): DownstreamServer[] {
  if (servers.length > MAX_SERVERS) throw new TypeError(`at most ${MAX_SERVERS} downstream MCP servers; got ${servers.length}`);
  const names = new Set<string>();
  for (const { name } of servers) {
    if (names.has(name)) throw new TypeError(`two downstream MCP servers are named "${name}"`);
    names.add(name);
  }
  return [...servers];
}

function serverOf(name: string, entry: unknown, where: string): DownstreamServer {
  if (!isServerName(name))
    throw new TypeError(`${where}: "${name}" cannot name a server in Python (a letter first, then letters, digits and single underscores, up to 40)`);
  if (!isObject(entry)) throw new TypeError(`${where} must be an object`);
  if (entry.type === 'sse') throw new TypeError(`${where}: SSE servers are not supported; give its Streamable HTTP URL`);
  const url = entry.httpUrl ?? entry.url;
  if (url !== undefined) {
    if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) throw new TypeError(`${where}: url must be an http(s) URL`);
    return { name, url, headers: strings(entry.headers, `${where}.headers`) };
  }
  if (typeof entry.command !== 'string' || entry.command === '') throw new TypeError(`${where} needs a "command" (or a "url")`);
  const args = entry.args ?? [];
  if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) throw new TypeError(`${where}.args must be a list of strings`);
  if (entry.cwd !== undefined && typeof entry.cwd !== 'string') throw new TypeError(`${where}.cwd must be a string`);
  return { name, command: entry.command, args, env: strings(entry.env, `${where}.env`), ...(entry.cwd !== undefined && { cwd: entry.cwd as string }) };
}

function strings(value: unknown, where: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value) || !Object.values(value).every((item) => typeof item === 'string')) throw new TypeError(`${where} must map names to strings`);
  return { ...(value as Record<string, string>) };
}

/**
 * The servers the command line's `--mcp-config <file>` and `--mcp-server name=…` flags configure,
 * as the CLI's command takes them (`{}`: none).
 * @throws {TypeError} a file or a flag that cannot be used, or two servers of one name.
 */
export function downstreamFlags(values: Record<string, unknown>): { servers?: DownstreamServer[] } {
  const files = (values['mcp-config'] as string[] | undefined) ?? [];
  const flags = (values['mcp-server'] as string[] | undefined) ?? [];
  const servers = checkServers([...serversFromFiles(files), ...flags.map(serverFromFlag)]);
  return servers.length > 0 ? { servers } : {};
}
