/**
 * The Python names of MCP tools: `default_api.<name>` takes ASCII identifiers of up to 100
 * characters, and MCP tool names may hold `-`, `.` and `/` and run to 128. A server's tools get
 * `<server>__<tool>` (two underscores, the `mcp__server__tool` convention of other MCP clients):
 * a server name has no `__`, so the first `__` always ends it, and two servers' tools cannot share
 * a name. Within one server, tools that read the same once made identifiers get `_2`, `_3`, … in
 * the server's listing order.
 */
import { isFunctionName } from '../../sandbox/functions/function-specs.js';

/** The longest name `default_api` takes. */
const MAX_NAME_CHARS = 100;

/** A server's name: letters and digits in words joined by single underscores, a letter first. */
const SERVER_NAME = /^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*$/;

/**
 * The loop's own tool, which a tool may not be named without a server name either (`default_api`'s
 * own names, src/shared/default-api-names.ts, are refused by `isFunctionName`).
 */
const RUN_PYTHON = 'run_python';

/**
 * Whether `name` can name a server in Python: `github`, `my_files`; not `my__files`, `_x`, `x_`.
 * Up to 40 characters, so its tools keep most of the 100 a name may have.
 */
export function isServerName(name: string): boolean {
  return name.length <= 40 && SERVER_NAME.test(name);
}

/**
 * The Python names of one server's tools, in order: `tools` as the server named them, `server` its
 * name (`undefined`: the tools stand alone). Deterministic: the same listing gives the same names.
 */
export function pythonNames(tools: readonly string[], server: string | undefined): string[] {
  const prefix = server === undefined ? '' : `${server}__`;
  const used = new Set<string>();
  return tools.map((tool) => {
    let stem = tool.replace(/[^A-Za-z0-9_]/g, '_');
    // Standing alone, a name must start with a letter and not be a keyword or a name already taken.
    if (!prefix && !/^[A-Za-z]/.test(stem)) stem = `tool_${stem}`;
    if (!prefix && (!isFunctionName(stem) || stem === RUN_PYTHON)) stem = `${stem}_`;
    const base = `${prefix}${stem}`.slice(0, MAX_NAME_CHARS);
    let name = base;
    for (let n = 2; used.has(name) || !isFunctionName(name); n++) name = `${base.slice(0, MAX_NAME_CHARS - String(n).length - 1)}_${n}`;
    used.add(name);
    return name;
  });
}
