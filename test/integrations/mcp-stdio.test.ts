/**
 * The MCP server over stdio, as a client runs it: the built CLI spawned by the official SDK
 * client. One server for the file (its one session keeps state across tests, as a client's
 * would); tests that need a fresh interpreter or other flags spawn their own.
 */
import { readdirSync } from 'node:fs';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DISPLAY_PNG_CODE } from '../support/agent-fixtures.js';
import { fakeDeno } from '../support/fake-deno.js';
import { BOOT_TIMEOUT_MS, lineChartSpec } from '../support/fixtures.js';
import { type Connection, connectStdio, denolessCli, initializeLine, initializedLine, rawStdio, textOf, toolCallLine } from '../support/mcp.js';
import { temporaryFolder } from '../support/mcp-servers.js';
import { PNG_1X1_BASE64, pngSize } from '../support/png.js';
import { LOAD_TINY_LIBRARY, TINY_LIBRARY } from '../support/tiny-library.js';

let mcp: Connection;

beforeAll(async () => {
  mcp = await connectStdio(['--max-code-chars', '1000']);
}, BOOT_TIMEOUT_MS);

afterAll(async () => {
  await mcp?.close();
});

test('lists run_python, write_file, read_file and reset, with their schemas', async () => {
  const { tools } = await mcp.client.listTools();
  expect(tools.map((tool) => tool.name)).toEqual(['run_python', 'write_file', 'read_file', 'reset', 'rewind_python']);
  const run = tools[0];
  expect(run.inputSchema).toMatchObject({ type: 'object', required: ['code'], properties: { code: { type: 'string', maxLength: 1000 } } });
  // The truth about where the code runs: the default command's Deno process, without network.
  expect(run.description).toContain('in a locked-down Deno process');
  expect(run.description).toContain('There is no network access');
  expect(run.description).not.toContain('browser');
});

test('runs code and keeps its state across calls', async () => {
  expect(textOf(await mcp.call('run_python', { code: 'counter = 41' }))).toBe('(no output)');
  const result = await mcp.call('run_python', { code: 'counter += 1\nprint("counter is", counter)\ncounter * 2' });
  expect(result.isError).toBeFalsy();
  expect(textOf(result)).toBe('counter is 42\n84');
});

test('a Python error is the run text (traceback and outcome), not a tool error', async () => {
  const result = await mcp.call('run_python', { code: '1 / 0' });
  expect(result.isError).toBeFalsy();
  expect(textOf(result)).toMatch(/ZeroDivisionError: division by zero[\s\S]*Outcome: OUTCOME_FAILED/);
});

test('an image comes back as MCP image content', async () => {
  const result = await mcp.call('run_python', { code: DISPLAY_PNG_CODE });
  expect(result.content[0]).toMatchObject({ type: 'text', text: 'drawn' });
  expect(result.content[1]).toMatchObject({ type: 'image', mimeType: 'image/png' });
  expect(pngSize(result.content[1].data ?? '')).toEqual({ width: 1, height: 1 });
});

test('a chart comes back as its spec in structuredContent and its PNG as an image block, a data URL removed with a note', async () => {
  const spec = { ...lineChartSpec(20), transform: [{ lookup: 'x', from: { data: { url: 'http://127.0.0.1:9/x.csv' }, key: 'x', fields: ['z'] } }] };
  const result = await mcp.call('run_python', { code: `import json\ndisplay(json.loads(${JSON.stringify(JSON.stringify(spec))}))` });
  expect(textOf(result)).toContain(
    '[chart 1 removed what a chart may not hold (inline data only; no links, outside URLs or user metadata): transform[0].from.data.url]',
  );
  expect(result.content[1]).toMatchObject({ type: 'image', mimeType: 'image/png' });
  expect(pngSize(result.content[1].data ?? '').width).toBeGreaterThan(200);
  const [chart] = (result.structuredContent as { charts: { mimeType: string; spec: string; drawn: boolean }[] }).charts;
  expect(chart).toMatchObject({ mimeType: 'application/vnd.vegalite.v6+json', drawn: true, note: expect.stringContaining('data.url') });
  expect(JSON.parse(chart.spec).transform[0].from.data).toEqual({ values: [] });
});

test('writes a file, Python reads it, and read_file returns what Python wrote', async () => {
  expect(textOf(await mcp.call('write_file', { path: 'data/in.txt', content: 'héllo' }))).toBe('Wrote data/in.txt.');
  const run = await mcp.call('run_python', { code: '_ = open("out.txt", "w").write(open("data/in.txt").read().upper())' });
  expect(textOf(run)).toBe('(no output)\n\nFiles written: out.txt (6 bytes)');
  expect(await mcp.call('read_file', { path: 'out.txt' })).toEqual({
    content: [{ type: 'text', text: 'HÉLLO' }],
    structuredContent: { path: 'out.txt', size: 6, mimeType: 'text/plain; charset=utf-8', text: 'HÉLLO' },
  });
});

test('binary files go in as base64 and come back as a resource, images as images', async () => {
  await mcp.call('write_file', { path: 'blob.bin', content: Buffer.from([0, 255, 1]).toString('base64'), encoding: 'base64' });
  const blob = await mcp.call('read_file', { path: 'blob.bin' });
  expect(blob.content[0]).toMatchObject({ type: 'resource', resource: { uri: 'file:///home/pyodide/blob.bin', blob: 'AP8B' } });
  await mcp.call('write_file', { path: 'dot.png', content: PNG_1X1_BASE64, encoding: 'base64' });
  expect((await mcp.call('read_file', { path: 'dot.png' })).content[0]).toEqual({ type: 'image', data: PNG_1X1_BASE64, mimeType: 'image/png' });
});

test('keeps a helper the model saved in skills/ importable after its interpreter is replaced', async () => {
  const { tools } = await mcp.client.listTools();
  expect(tools[0].description).toContain('skills/<name>.py');
  const save = 'import os\nos.makedirs("skills", exist_ok=True)\n_ = open("skills/tally.py", "w").write("def tally(xs):\\n    return sum(xs)\\n")';
  expect((await mcp.call('run_python', { code: save })).isError).toBeFalsy();
  expect((await mcp.call('run_python', { code: 'import os\nos._exit(0)' })).structuredContent).toMatchObject({ stateLost: true });
  expect(textOf(await mcp.call('run_python', { code: 'from skills.tally import tally\ntally([40, 2])' }))).toBe('42');
});

describe('structured results', () => {
  test('run_python, write_file and read_file declare an output schema; reset, whose text is never JSON, has none', async () => {
    const { tools } = await mcp.client.listTools();
    const schemas = Object.fromEntries(tools.map((tool) => [tool.name, tool.outputSchema]));
    expect(schemas.run_python).toMatchObject({ type: 'object', required: expect.arrayContaining(['outcome', 'output', 'stateLost']) });
    expect(schemas.write_file).toMatchObject({ type: 'object', required: ['path', 'size'] });
    expect(schemas.read_file).toMatchObject({ type: 'object', required: ['path', 'size'] });
    expect(schemas.reset).toBeUndefined();
  });

  // The SDK client checks each structuredContent against the listed schema (it threw otherwise).
  test.each([
    ['x + 1', '42', { result: '42', output: '' }],
    ['print(sum(range(10)))', '45', { output: '45\n' }],
    ['[1, 2]', '[1, 2]', { result: '[1, 2]' }],
    ['None', '(no output)', { output: '' }],
  ])('%s: the text is the run, and structuredContent is an object even where the text is JSON', async (code, text, fields) => {
    await mcp.call('run_python', { code: 'x = 41' });
    const result = await mcp.call('run_python', { code });
    expect(textOf(result)).toBe(text);
    expect(result.structuredContent).toMatchObject({ outcome: 'OUTCOME_OK', stateLost: false, images: [], files: [], unlistedFiles: 0, ...fields });
    expect(result.structuredContent?.durationMs).toEqual(expect.any(Number));
  });

  test('a traceback is in error, an image is named in images (its data stays an image block), files have their sizes', async () => {
    const failed = await mcp.call('run_python', { code: '1 / 0' });
    expect(failed.structuredContent).toMatchObject({
      outcome: 'OUTCOME_FAILED',
      error: { name: 'ZeroDivisionError', message: 'division by zero', traceback: expect.stringContaining('ZeroDivisionError') },
    });
    expect(failed.structuredContent).not.toHaveProperty('result');
    const drawn = await mcp.call('run_python', { code: DISPLAY_PNG_CODE });
    expect(drawn.structuredContent).toMatchObject({ images: [{ mimeType: 'image/png' }] });
    expect(JSON.stringify(drawn.structuredContent)).not.toContain(drawn.content[1].data);
    const wrote = await mcp.call('run_python', { code: '_ = open("n.json", "w").write("42")' });
    expect(wrote.structuredContent).toMatchObject({ files: [{ path: 'n.json', size: 2 }] });
  });

  test('a text file holding JSON is read as text, and structuredContent has the file and its text (some clients give their model only that)', async () => {
    expect((await mcp.call('write_file', { path: 'n.json', content: '[1, 2]' })).structuredContent).toEqual({ path: 'n.json', size: 6 });
    expect(await mcp.call('read_file', { path: 'n.json' })).toEqual({
      content: [{ type: 'text', text: '[1, 2]' }],
      structuredContent: { path: 'n.json', size: 6, mimeType: 'text/plain; charset=utf-8', text: '[1, 2]' },
    });
    // An image: its bytes only in the image block.
    expect((await mcp.call('read_file', { path: 'dot.png' })).structuredContent).toEqual({ path: 'dot.png', size: 70, mimeType: 'image/png' });
  });
});

test('reading a missing file is a tool error naming it', async () => {
  const result = await mcp.call('read_file', { path: 'nope.txt' });
  expect(result.isError).toBe(true);
  expect(textOf(result)).toContain('nope.txt');
});

test('a cancelled run stops, and the session keeps working with its state', async () => {
  await mcp.call('run_python', { code: 'kept = "still here"' });
  const controller = new AbortController();
  const started = Date.now();
  const long = mcp.call('run_python', { code: 'import time\ntime.sleep(100)' }, { signal: controller.signal });
  setTimeout(() => controller.abort(), 1000);
  await expect(long).rejects.toThrow();
  // The next run waits for nothing: the sleeping run was interrupted, not left queued.
  const after = await mcp.call('run_python', { code: 'kept' });
  expect(textOf(after)).toBe("'still here'");
  expect(Date.now() - started).toBeLessThan(20_000);
});

test('oversized code is a tool error, and the server keeps serving', async () => {
  const result = await mcp.call('run_python', { code: `x = "${'a'.repeat(1000)}"` });
  expect(result.isError).toBe(true);
  expect(textOf(result)).toMatch(/Input validation error: .*1,006 characters; at most 1,000/);
  expect(textOf(await mcp.call('run_python', { code: '6 * 7' }))).toBe('42');
});

test('a malformed tools/call is a JSON-RPC error, and the server keeps serving', async () => {
  const { CallToolResultSchema } = await import('@modelcontextprotocol/sdk/types.js');
  const malformed = mcp.client.request({ method: 'tools/call', params: { name: 42 } } as never, CallToolResultSchema);
  // The SDK answers a request its schema rejects with a JSON-RPC error naming the bad field.
  await expect(malformed).rejects.toSatisfy((error: unknown) => error instanceof McpError && /"name"/.test(error.message));
  const wrongType = await mcp.call('run_python', { code: 42 });
  expect(wrongType.isError).toBe(true);
  expect(textOf(wrongType)).toContain('must be a string; got a number');
  const unknown = await mcp.call('run_java', { code: 'x' });
  expect(unknown.isError).toBe(true);
  expect(textOf(unknown)).toContain('Unknown tool "run_java"');
  expect(textOf(await mcp.call('run_python', { code: '1 + 1' }))).toBe('2');
});

describe('a fresh session', () => {
  let fresh: Connection;
  beforeAll(async () => {
    fresh = await connectStdio();
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await fresh?.close();
  });

  test('the first call reports the boot as progress notifications, numbered, before its result', async () => {
    // Read off the wire: the SDK's client drops a progress notification that arrives in the same
    // read as the result (it dispatches notifications a microtask later, after the result retired
    // the token: modelcontextprotocol/typescript-sdk#2580), which a loaded machine makes common.
    const raw = rawStdio();
    try {
      raw.send(initializeLine(1));
      await raw.answer(1);
      raw.send(initializedLine());
      raw.send(toolCallLine(2, 'run_python', { code: '"booted"' }, { progressToken: 'boot' }));
      expect(await raw.answer(2)).toMatchObject({ result: { content: [{ type: 'text', text: "'booted'" }] } });
      const seen = raw.seen();
      const beforeResult = seen.slice(
        0,
        seen.findIndex((message) => message.id === 2),
      );
      const progress = beforeResult
        .filter((message) => message.method === 'notifications/progress')
        .map((message) => message.params as { progressToken: string; progress: number; message: string });
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.map((p) => p.progressToken)).toEqual(progress.map(() => 'boot'));
      expect(progress.map((p) => p.progress)).toEqual(progress.map((_, i) => i + 1));
      expect(progress.at(-1)?.message).toMatch(/^Python is ready/);
    } finally {
      await raw.stop();
    }
  });

  test('reset starts a new interpreter with an empty working directory', async () => {
    await fresh.call('run_python', { code: 'gone = 1\nopen("f.txt", "w").write("x")' });
    expect(textOf(await fresh.call('reset'))).toContain('new interpreter');
    const after = await fresh.call('run_python', { code: 'import os\nprint("gone" in globals(), os.listdir("."))' });
    expect(textOf(after)).toBe('False []');
  });
});

describe('bytes no SDK client sends', () => {
  test('a line that is not JSON gets a parse error, one over the bound an error with its id, and the server keeps serving', async () => {
    const raw = rawStdio(['--max-code-chars', '1000', '--max-file-bytes', '1000']);
    try {
      raw.send('{this is not json');
      expect(await raw.answer(undefined)).toMatchObject({ error: { code: ErrorCode.ParseError } });
      raw.send(initializeLine(1));
      expect(await raw.answer(1)).toMatchObject({ result: { serverInfo: { name: 'pyodide-code-execution' } } });
      raw.send(initializedLine());
      // The bound is ~71 KB here (6 × 1,000 code characters, plus 64 KiB); this line is 200 KB, id last as the SDK writes it.
      raw.send(`{"jsonrpc":"2.0","method":"tools/call","params":{"name":"run_python","arguments":{"code":"${'a'.repeat(200_000)}"}},"id":7}`);
      expect(await raw.answer(7)).toMatchObject({ error: { code: ErrorCode.InvalidRequest, message: expect.stringContaining('not read') } });
      raw.send(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/list' }));
      expect(await raw.answer(8)).toMatchObject({ result: { tools: expect.any(Array) } });
    } finally {
      await raw.stop();
    }
  });
});

describe('leaving', () => {
  test('a client closing stdin after Python started ends the server with status 0', async () => {
    const raw = rawStdio();
    raw.send(initializeLine(1));
    await raw.answer(1);
    raw.send(toolCallLine(2, 'run_python', { code: 'x = 1' }));
    expect(await raw.answer(2)).toMatchObject({ result: { structuredContent: { outcome: 'OUTCOME_OK' } } });
    // Deno's process was alive here; the issue saw status 13 (a top-level await left unsettled).
    expect(await raw.end()).toBe(0);
  });
});

describe('without Deno', () => {
  const bare = denolessCli();
  let client: Connection;
  beforeAll(async () => {
    client = await connectStdio([], bare);
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await client?.close();
    bare.remove();
  });

  test('the server still starts and lists its tools, and every call is a tool error with the install line and the way out', async () => {
    expect((await client.client.listTools()).tools).toHaveLength(5);
    for (const [tool, args] of [
      ['run_python', { code: 'x + 1' }],
      ['write_file', { path: 'a.txt', content: 'a' }],
    ] as const) {
      const result = await client.call(tool, args);
      expect(result.isError).toBe(true);
      const text = textOf(result);
      expect(text).toContain('Deno was not found');
      expect(text).toContain('npm install deno');
      expect(text).toContain('--isolation worker to run trusted code only');
      // What the way out gives up.
      expect(text).toContain("the server's own Node process with its rights (your files, environment variables, network, processes and the MCP channel)");
    }
  });
});

describe('with a Deno that does not run', () => {
  test("a call is a tool error at once, with Deno's failure and the way out (not the boot timeout, minutes later)", async () => {
    const broken = await connectStdio(['--deno', '/bin/false']);
    try {
      const started = Date.now();
      const result = await broken.call('run_python', { code: 'x + 1' });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^Python cannot run: .*Deno \(\/bin\/false\) does not run: deno --version failed \(1\)/);
      expect(textOf(result)).toContain('--isolation worker to run trusted code only');
      // Before, the boot waited out limits.bootTimeoutMs (120 s) and then blamed the runtime's files.
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await broken.close();
    }
  });

  test('is told by its own failure even when the boot fails first (a loaded machine answers `deno --version` late)', async () => {
    // Exits at once when run as the sandbox's process; fails its version check only after 2 s.
    const deno = fakeDeno('sleep 2; echo "no such CPU" >&2; exit 3', 'exit 1');
    const broken = await connectStdio(['--deno', deno.path]);
    try {
      const result = await broken.call('run_python', { code: 'x + 1' });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^Python cannot run: .*does not run: deno --version failed \(3\): no such CPU/);
    } finally {
      await broken.close();
      deno.remove();
    }
  });
});

describe('a skills folder (--skills-dir)', () => {
  test(
    "keeps the model's skills/<name>.py for the next session's process, and nothing else it wrote",
    async () => {
      const folder = temporaryFolder('mcp-skills-');
      try {
        const first = await connectStdio(['--skills-dir', folder.path]);
        try {
          const code =
            'import os\nos.makedirs("skills/deep", exist_ok=True)\nfor p in ["skills/tally.py", "skills/deep/x.py", "notes.py"]:\n    open(p, "w").write("def tally(xs):\\n    return sum(xs)\\n")';
          expect((await first.call('run_python', { code })).isError).toBeFalsy();
        } finally {
          await first.close();
        }
        expect(readdirSync(folder.path)).toEqual(['tally.py']);
        const second = await connectStdio(['--skills-dir', folder.path]);
        try {
          expect(textOf(await second.call('run_python', { code: 'from skills.tally import tally\ntally([40, 2])' }))).toBe('42');
        } finally {
          await second.close();
        }
      } finally {
        folder.remove();
      }
    },
    3 * BOOT_TIMEOUT_MS,
  );
});

describe('an idle stdio session', () => {
  let idle: Connection;
  beforeAll(async () => {
    idle = await connectStdio(['--idle-minutes', String(1 / 60)]);
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await idle?.close();
  });

  test('that cannot be saved (compiled code loaded) keeps its interpreter past the idle time: the next run finds everything', async () => {
    await idle.call('write_file', { path: 'libtiny.so', content: Buffer.from(TINY_LIBRARY).toString('base64'), encoding: 'base64' });
    expect(textOf(await idle.call('run_python', { code: `${LOAD_TINY_LIBRARY}\nbefore_idle = 1` }))).toBe('(no output)');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const result = await idle.call('run_python', { code: 'before_idle' });
    expect(textOf(result)).toBe('1');
    expect(result.structuredContent).toMatchObject({ stateLost: false });
  });
});

describe('a file over the bound', () => {
  let small: Connection;
  beforeAll(async () => {
    small = await connectStdio(['--max-file-bytes', '1000']);
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await small?.close();
  });

  test('that a run wrote is refused by read_file, naming its size, before it is read', async () => {
    await small.call('run_python', { code: '_ = open("big.bin", "wb").write(b"x" * 5000)' });
    const result = await small.call('read_file', { path: './big.bin' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('big.bin is 5,000 bytes; read_file returns at most 1,000. Read a part of it with run_python.');
    expect(textOf(await small.call('read_file', { path: '/home/pyodide/sub/../big.bin' }))).toContain('5,000 bytes');
    expect(textOf(await small.call('read_file', { path: '../etc/passwd' }))).toContain('outside the working directory');
  });

  test('past the 5,000-entry listing is refused inside the interpreter, without being copied out', async () => {
    // The walk lists the root's files, then many/ (5,000 files, its cap): zz/big.bin is never listed.
    const write =
      'import os\nos.makedirs("many")\nos.makedirs("zz")\nfor i in range(5000): open(f"many/{i}", "w").close()\nwith open("zz/big.bin", "wb") as f:\n    for _ in range(256): f.write(b"x" * 2**20)';
    const wrote = await small.call('run_python', { code: write });
    expect(wrote.structuredContent, textOf(wrote).slice(0, 500)).toMatchObject({ outcome: 'OUTCOME_OK' });
    // The control: a small file's read_file on this machine now (a loaded machine stretches both).
    const controlStarted = performance.now();
    const control = await small.call('read_file', { path: 'many/0' });
    expect(control.isError, textOf(control)).toBeFalsy();
    const controlMs = performance.now() - controlStarted;
    const peakBefore = small.peakRssBytes!();
    const started = performance.now();
    const result = await small.call('read_file', { path: 'zz/big.bin' });
    const elapsedMs = performance.now() - started;
    expect(textOf(result)).toBe('zz/big.bin is 268,435,456 bytes; read_file returns at most 1,000. Read a part of it with run_python.');
    // Copied out, the file took 1.7 s and raised the server's peak by more than its 256 MiB.
    expect(small.peakRssBytes!() - peakBefore).toBeLessThan(64 * 2 ** 20);
    expect(elapsedMs).toBeLessThan(1000 + 3 * controlMs);
  });
});
