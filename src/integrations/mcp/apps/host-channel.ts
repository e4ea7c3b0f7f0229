/**
 * The app's half of the MCP Apps protocol (the `io.modelcontextprotocol/ui` extension, revision
 * 2026-01-26): JSON-RPC over `postMessage` with the host. `ui/initialize`, then
 * `ui/notifications/initialized`; the host's tool results and context changes heard; `ping` and
 * `ui/resource-teardown` answered; the page's size told as it changes. The extension's own `App`
 * class does this on the MCP SDK's `Protocol` and zod schemas, about 200 kB minified, which would
 * take the app past its 900 kB bound; its method names and types are checked against it here
 * (`import type`, nothing bundled), and the browser test drives this against its host side.
 * Only the parent window is heard, and whatever it sends is read as unknown data.
 */
import type {
  McpUiHostContext,
  McpUiHostContextChangedNotification,
  McpUiInitializeRequest,
  McpUiInitializedNotification,
  McpUiResourceTeardownRequest,
  McpUiSizeChangedNotification,
  McpUiToolResultNotification,
} from '@modelcontextprotocol/ext-apps';
import { isObject } from '../../../common/json-object.js';

const PROTOCOL_VERSION: McpUiInitializeRequest['params']['protocolVersion'] = '2026-01-26';
const INITIALIZE: McpUiInitializeRequest['method'] = 'ui/initialize';
const INITIALIZED: McpUiInitializedNotification['method'] = 'ui/notifications/initialized';
const TOOL_RESULT: McpUiToolResultNotification['method'] = 'ui/notifications/tool-result';
const CONTEXT_CHANGED: McpUiHostContextChangedNotification['method'] = 'ui/notifications/host-context-changed';
const SIZE_CHANGED: McpUiSizeChangedNotification['method'] = 'ui/notifications/size-changed';
/** Requests the host may send that an app without tools of its own answers with an empty result. */
const ANSWERED: string[] = ['ping', 'ui/resource-teardown' satisfies McpUiResourceTeardownRequest['method']];
const INITIALIZE_ID = 1;

/** What the app hears from its host. */
export interface HostHandlers {
  /** A tool result, as the host sent it: hostile, unchecked. */
  onToolResult(result: unknown): void;
  /** The host's context, whole at the start and then in parts as they change. */
  onContext(context: Partial<McpUiHostContext>): void;
}

type Message = { id?: unknown; method?: unknown; params?: unknown; result?: unknown };

/** Connects the page to the host that framed it: sends `ui/initialize` and hears the host from then on. */
export function connectToHost(appInfo: { name: string; version: string }, handlers: HostHandlers): void {
  const host = window.parent;
  const send = (message: Record<string, unknown>) => host.postMessage({ jsonrpc: '2.0', ...message }, '*');
  window.addEventListener('message', (event) => {
    if (event.source !== host || !isObject(event.data) || event.data.jsonrpc !== '2.0') return;
    const { id, method, params, result } = event.data as Message;
    if (typeof method === 'string' && id !== undefined) {
      // A request: answered, or refused as one this app does not serve.
      if (ANSWERED.includes(method)) send({ id, result: {} });
      else send({ id, error: { code: -32601, message: `Method not found: ${method.slice(0, 100)}` } });
    } else if (method === TOOL_RESULT) handlers.onToolResult(params);
    else if (method === CONTEXT_CHANGED && isObject(params)) handlers.onContext(params);
    else if (id === INITIALIZE_ID && method === undefined && isObject(result)) {
      if (isObject(result.hostContext)) handlers.onContext(result.hostContext);
      send({ method: INITIALIZED });
      tellSize(send);
    }
  });
  send({ id: INITIALIZE_ID, method: INITIALIZE, params: { protocolVersion: PROTOCOL_VERSION, appInfo, appCapabilities: {} } });
}

/** Tells the host the page's size at once and whenever it changes, once a frame at most (as the extension's `App` does). */
function tellSize(send: (message: Record<string, unknown>) => void): void {
  let pending = false;
  let told = { width: 0, height: 0 };
  const measure = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const root = document.documentElement;
      const height = root.style.height;
      // The content's own height, not the frame's.
      root.style.height = 'max-content';
      const size = { width: Math.ceil(window.innerWidth), height: Math.ceil(root.getBoundingClientRect().height) };
      root.style.height = height;
      if (size.width === told.width && size.height === told.height) return;
      told = size;
      send({ method: SIZE_CHANGED, params: size });
    });
  };
  measure();
  const observer = new ResizeObserver(measure);
  observer.observe(document.documentElement);
  observer.observe(document.body);
}
