/**
 * A 2025-era HTTP session taken up again by a server that does not hold it (after a restart, or
 * another instance sharing the state folder): its client still sends its old `Mcp-Session-Id`,
 * and the folder holds its saved interpreter. The SDK's transport takes a session only from an
 * `initialize` it answered, so the server answers one made here, in the client's place (with the
 * protocol version the client's own request names), under the old id; the client's request then
 * reaches a session like any other, whose first call restores the saved interpreter. The client's
 * own `initialize` capabilities are not known again: the server asks nothing of clients.
 */
import { DEFAULT_NEGOTIATED_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, type WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';

/** The shape of the session ids the server gives out: `<instance>.<UUID>`. */
const SESSION_ID = /^[a-z0-9][a-z0-9-]{0,31}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `id` has the shape of a session id this server (or an instance like it) gives out. */
export function isSessionId(id: string): boolean {
  return SESSION_ID.test(id);
}

/**
 * Opens `transport` (new, connected to its server, its id generator giving the old id) as the
 * session `request`'s client began before: the server answers an `initialize` in the client's place.
 * @returns Whether the transport took it.
 */
export async function reopenSession(transport: WebStandardStreamableHTTPServerTransport, request: Request): Promise<boolean> {
  const asked = request.headers.get('mcp-protocol-version');
  const protocolVersion = asked !== null && SUPPORTED_PROTOCOL_VERSIONS.includes(asked) ? asked : DEFAULT_NEGOTIATED_PROTOCOL_VERSION;
  const body = {
    jsonrpc: '2.0',
    id: 'session-revival',
    method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: { name: 'a client whose session was saved', version: '0' } },
  };
  const initialize = new Request(request.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
    body: JSON.stringify(body),
  });
  const answer = await transport.handleRequest(initialize, { parsedBody: body });
  // The answer is the server's to the made-up initialize: read to its end and dropped.
  await answer.text().catch(() => '');
  if (!answer.ok || transport.sessionId === undefined) return false;
  const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };
  const notified = await transport.handleRequest(
    new Request(request.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'Mcp-Session-Id': transport.sessionId,
        'Mcp-Protocol-Version': protocolVersion,
      },
      body: JSON.stringify(initialized),
    }),
    { parsedBody: initialized },
  );
  await notified.text().catch(() => '');
  return true;
}
