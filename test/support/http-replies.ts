/** The plumbing the fake API servers share: reading a request body, answering JSON, pausing. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Answers `body` as JSON with `status`, as Google's APIs do (`application/json; charset=UTF-8`). */
export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

/** The whole request body as text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Ends a streamed response mid-body (no last chunk), so the client reads what was sent and then
 * its read fails. A pause first, so the events sent reach the client in a read of their own (a
 * browser fails a read that ends the body early as a whole, its bytes with it), then a FIN, not a
 * reset: a reset can reach a loaded client before it has read them, and they are lost.
 */
export async function cutMidBody(res: ServerResponse): Promise<void> {
  await delay(250);
  res.socket?.end();
  setTimeout(() => res.socket?.destroy(), 1_000).unref();
}
