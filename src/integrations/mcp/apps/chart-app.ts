/**
 * The chart view as an MCP App (the `io.modelcontextprotocol/ui` extension), what the server and
 * the app itself share: the `ui://` resource that `run_python` names in `_meta.ui.resourceUri`,
 * its type, and where a result carries its charts' specs for the app. Plain constants, no Node
 * import: the app's page bundle takes them too.
 */
import type { RunResult } from '../../../shared/types.js';

/** The app's resource, as `run_python`'s `_meta.ui.resourceUri` names it and `resources/read` serves it. */
export const CHART_APP_URI = 'ui://pyodide-code-execution/chart.html';

/** The type of an MCP App's HTML (the extension's `RESOURCE_MIME_TYPE`). */
export const MCP_APP_MIME_TYPE = 'text/html;profile=mcp-app';

/** The built app, a file beside the MCP server's modules in dist/ (vite.config.ts). */
export const CHART_APP_FILE = 'mcp-chart-app.html';

/**
 * The key of a result's `_meta` that holds every chart's spec, whatever its size: hosts keep
 * `_meta` out of their model's context and hand it to the app, while `structuredContent` (which
 * some hosts give their model) holds a spec only while it is short (structured.ts).
 */
export const CHARTS_META_KEY = 'pyodide-code-execution/charts';

/** A chart as the app gets it in `_meta`: `ChartOutput` without its PNG (the result's image blocks carry those). */
export interface AppChart {
  mimeType: string;
  spec: string;
  note?: string;
}

/**
 * What `run_python` adds to a tool's `_meta` in `tools/list`: the app's resource, in the
 * extension's key and in its older flat key (`ui/resourceUri`), which hosts of the extension's
 * first versions read (as the extension's own `registerAppTool` sets both).
 */
export const CHART_APP_TOOL_META = { ui: { resourceUri: CHART_APP_URI }, 'ui/resourceUri': CHART_APP_URI };

/** A run's `_meta` for the app: its charts' full specs, or nothing for a run without charts. */
export function chartsMeta(result: RunResult): Record<string, AppChart[]> | undefined {
  if (result.charts.length === 0) return undefined;
  return { [CHARTS_META_KEY]: result.charts.map(({ mimeType, spec, note }) => ({ mimeType, spec, ...(note && { note }) })) };
}
