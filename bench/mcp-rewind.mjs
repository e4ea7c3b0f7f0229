/**
 * Rewind through the MCP server (timeline.mjs's last columns): `cli.js mcp --isolation worker`
 * over stdio (with `args`: `--warm-spare`, a worker staged for rewinds from the first run), the
 * SDK's 1.x client (a 2025 session). The same 20 cells as the sandbox's rewinds,
 * each a `run_python` call whose result names its checkpoint; then `rewind_python` to the
 * checkpoints of cells 20, 15, 10, 5 and 2, each timed from the call to its answer and checked by
 * a run, each paired with `control()` (a `create()` from the boot snapshot in a worker thread of
 * this process) made just before it, and kept by `record` (timeline.mjs).
 */
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

/** The text of a tool result, which must not be an error. */
function textOf(result, what) {
  const text = result.content?.map((part) => part.text ?? '').join('') ?? '';
  if (result.isError) throw new Error(`${what}: ${text}`);
  return text;
}

export async function measureMcpRewinds({ distDir, counts, rewindTo, control, record, args = [] }) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(distDir, 'cli.js'), 'mcp', '--isolation', 'worker', ...args],
    stderr: 'ignore',
  });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(transport);
  const call = (name, args) => client.callTool({ name, arguments: args });
  try {
    const checkpoints = [];
    for (let i = 1; i <= counts.cells; i++) {
      const t = performance.now();
      const result = await call('run_python', { code: `v${i} = ${i}\nopen("f${i}.txt", "w").write("${i}")` });
      record.cell(performance.now() - t);
      textOf(result, `cell ${i}`);
      checkpoints.push(result.structuredContent?.checkpoint);
    }
    for (const [i, cell] of rewindTo.entries()) {
      const controlMs = await control();
      const t = performance.now();
      textOf(await call('rewind_python', { checkpoint: checkpoints[cell - 1] }), `rewind to cell ${cell}`);
      record.rewind(i === 0, performance.now() - t, controlMs);
      const check = textOf(await call('run_python', { code: `v${cell}, "v${cell + 1}" in globals()` }), `check after cell ${cell}`);
      if (check !== `(${cell}, False)`) throw new Error(`rewound to cell ${cell}, yet ${check}`);
    }
  } finally {
    await client.close();
  }
}
