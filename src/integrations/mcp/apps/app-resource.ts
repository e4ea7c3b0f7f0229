/**
 * The chart app as a resource: `resources/list` names it and `resources/read` returns it, the one
 * self-contained HTML file the build writes beside the server's modules (no outside load, so the
 * extension's default Content Security Policy holds and its `_meta.ui.csp` names no domain). Read
 * from disk at the first `resources/read` and kept: it never changes while the server runs.
 */
import { readFile } from 'node:fs/promises';
import { ResourceNotFoundError, type Server } from '@modelcontextprotocol/server';
import { CHART_APP_FILE, CHART_APP_URI, MCP_APP_MIME_TYPE } from './chart-app.js';

const RESOURCE = {
  uri: CHART_APP_URI,
  name: 'chart',
  title: 'Chart',
  description: "Draws run_python's Vega-Lite charts, interactive (tooltips, the spec's own selections), from the call's result.",
  mimeType: MCP_APP_MIME_TYPE,
};

let html: Promise<string> | undefined;

/** The app's HTML; a failed read is tried again at the next request. */
function appHtml(): Promise<string> {
  html ??= readFile(new URL(CHART_APP_FILE, import.meta.url), 'utf8').catch((error: unknown) => {
    html = undefined;
    throw new Error(`The chart app (${CHART_APP_FILE}) is missing beside the server's modules: ${(error as Error).message}`);
  });
  return html;
}

/** Answers `resources/list`, `resources/templates/list` (none) and `resources/read` on `server`, which declares `resources`. */
export function serveChartApp(server: Server): void {
  server.setRequestHandler('resources/list', async () => ({ resources: [RESOURCE] }));
  // Clients that see `resources` list the templates too; there are none.
  server.setRequestHandler('resources/templates/list', async () => ({ resourceTemplates: [] }));
  server.setRequestHandler('resources/read', async (request) => {
    if (request.params.uri !== CHART_APP_URI) throw new ResourceNotFoundError(request.params.uri.slice(0, 200));
    return { contents: [{ uri: CHART_APP_URI, mimeType: MCP_APP_MIME_TYPE, text: await appHtml(), _meta: { ui: { prefersBorder: true } } }] };
  });
}
