/**
 * Charts as an MCP App, as each kind of client meets them: a 2025 client (the 1.x SDK) and a
 * 2026-07-28 client (the v2 SDK, pinned), each over stdio and HTTP, see `run_python` name the chart
 * app in `_meta.ui.resourceUri`, read that resource (one self-contained HTML file that loads
 * nothing from outside, within the size bound), and get a chart's run back with its spec, its PNG
 * as an image block and its text, for hosts that do not render apps. The gateway serves the same.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BOOT_TIMEOUT_MS, lineChartSpec } from '../support/fixtures.js';
import { type HttpServerProcess, type ToolResult, connectHttp, connectStdio, startHttpServer, textOf } from '../support/mcp.js';
import { connectModernHttp, connectModernStdio } from '../support/mcp-modern.js';
import { referenceServerPath } from '../support/mcp-servers.js';
import { pngSize } from '../support/png.js';

const APP_URI = 'ui://pyodide-code-execution/chart.html';
const APP_MIME_TYPE = 'text/html;profile=mcp-app';
/** The most the app may weigh (bytes of its HTML). */
const MAX_APP_BYTES = 900_000;
/** The longest spec structuredContent carries; longer ones are in the result's _meta only. */
const MAX_STRUCTURED_SPEC_CHARS = 4000;
const CHARTS_META_KEY = 'pyodide-code-execution/charts';
const FLAGS = ['--isolation', 'worker'];

/** What each client does alike: list tools and resources, read one, call a tool. */
interface AppClient {
  listTools(): Promise<{ tools: { name: string; _meta?: Record<string, unknown> }[] }>;
  listResources(): Promise<{ resources: { uri: string; mimeType?: string }[] }>;
  readResource(uri: string): Promise<{ contents: { uri: string; mimeType?: string; text?: string }[] }>;
  call(code: string): Promise<ToolResult & { _meta?: Record<string, unknown> }>;
  close(): Promise<void>;
}

let http: HttpServerProcess;
beforeAll(async () => {
  http = await startHttpServer(FLAGS);
}, BOOT_TIMEOUT_MS);
afterAll(async () => {
  await http?.stop();
});

const clients: Record<string, () => Promise<AppClient>> = {
  '2025 client over stdio': async () => legacy(await connectStdio(FLAGS)),
  '2025 client over HTTP': async () => legacy(await connectHttp(http.url)),
  '2026-07-28 client over stdio': async () => modern(await connectModernStdio(FLAGS)),
  '2026-07-28 client over HTTP': async () => modern(await connectModernHttp(http.url)),
  // The gateway's own run_python is the same tool; its downstream servers' tools are Python functions, not tools, so no app of theirs is listed.
  '2025 client of the gateway over stdio': async () =>
    legacy(await connectStdio([...FLAGS, '--mcp-server', `memory=${process.execPath} ${referenceServerPath('memory')}`])),
};

function legacy(connection: Awaited<ReturnType<typeof connectStdio>>): AppClient {
  const { client } = connection;
  return {
    listTools: () => client.listTools(),
    listResources: () => client.listResources(),
    readResource: (uri) => client.readResource({ uri }) as ReturnType<AppClient['readResource']>,
    call: (code) => connection.call('run_python', { code }),
    close: () => connection.close(),
  };
}

function modern(connection: Awaited<ReturnType<typeof connectModernStdio>>): AppClient {
  const { client } = connection;
  return {
    listTools: () => client.listTools(),
    listResources: () => client.listResources(),
    readResource: (uri) => client.readResource({ uri }) as ReturnType<AppClient['readResource']>,
    call: (code) => connection.call('run_python', { code }),
    close: () => connection.close(),
  };
}

describe.each(Object.keys(clients))('%s', (name) => {
  let client: AppClient;
  beforeAll(async () => {
    client = await clients[name]();
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await client?.close();
  });

  test('run_python names the chart app; the other tools name none', async () => {
    const { tools } = await client.listTools();
    const run = tools.find((tool) => tool.name === 'run_python');
    expect(run?._meta).toMatchObject({ ui: { resourceUri: APP_URI } });
    expect(tools.filter((tool) => tool._meta?.ui !== undefined).map((tool) => tool.name)).toEqual(['run_python']);
  });

  test('the app is a resource: one HTML file of the MCP App type, within the bound, loading nothing from outside', async () => {
    const { resources } = await client.listResources();
    expect(resources).toContainEqual(expect.objectContaining({ uri: APP_URI, mimeType: APP_MIME_TYPE }));
    const { contents } = await client.readResource(APP_URI);
    expect(contents).toHaveLength(1);
    const [app] = contents;
    expect(app).toMatchObject({ uri: APP_URI, mimeType: APP_MIME_TYPE });
    const html = app.text ?? '';
    expect(html).toMatch(/^<!doctype html>/i);
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(MAX_APP_BYTES);
    // Every script is inline, and no element names an outside address to load.
    expect(html).toMatch(/<script type="module">/);
    expect(html).not.toMatch(/<script[^>]*\ssrc\s*=/i);
    expect(html).not.toMatch(/<(?:link|img|iframe|source|object|embed)[^>]*\s(?:src|href|data)\s*=\s*["']?(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import\s+(?:url\()?["']?https?:/i);
  });

  test('a resource the server does not have is an error', async () => {
    await expect(client.readResource('ui://pyodide-code-execution/other.html')).rejects.toThrow(/not found/i);
  });

  test("a cell that builds a Vega-Lite dict gets its spec in structuredContent and _meta, its PNG and the run's text", async () => {
    const spec = lineChartSpec(20);
    const result = await client.call(`display(${JSON.stringify(spec)})\nprint("charted")`);
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toContain('charted');
    const images = result.content.filter((block) => block.type === 'image');
    expect(images).toHaveLength(1);
    expect(images[0].mimeType).toBe('image/png');
    expect(pngSize(images[0].data ?? '').width).toBeGreaterThan(100);
    const [chart] = (result.structuredContent as { charts: { spec?: string; specChars: number; drawn: boolean }[] }).charts;
    expect(chart).toMatchObject({ drawn: true, specChars: chart.spec?.length });
    expect(JSON.parse(chart.spec ?? '')).toMatchObject({ mark: 'line', data: spec.data });
    expect(result._meta?.[CHARTS_META_KEY]).toEqual([{ mimeType: 'application/vnd.vegalite.v6+json', spec: chart.spec }]);
  });
});

test("a long spec stays out of structuredContent, which some hosts give their model, and is in the result's _meta for the app", async () => {
  const client = await connectModernHttp(http.url);
  try {
    const spec = lineChartSpec(1000);
    const result = (await client.call('run_python', { code: `display(${JSON.stringify(spec)})` })) as ToolResult & { _meta?: Record<string, unknown> };
    const [chart] = (result.structuredContent as { charts: { spec?: string; specChars: number; drawn: boolean }[] }).charts;
    expect(chart.spec).toBeUndefined();
    expect(chart.specChars).toBeGreaterThan(MAX_STRUCTURED_SPEC_CHARS);
    expect(chart.drawn).toBe(true);
    const [full] = (result._meta?.[CHARTS_META_KEY] ?? []) as { spec: string }[];
    expect(full.spec).toHaveLength(chart.specChars);
    expect(JSON.parse(full.spec).data.values).toHaveLength(1000);
    expect(JSON.stringify(result.structuredContent).length).toBeLessThan(1000);
  } finally {
    await client.close();
  }
});
