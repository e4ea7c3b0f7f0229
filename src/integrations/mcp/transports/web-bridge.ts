/**
 * Node's HTTP request and response as the SDK's web-standard handlers take them: a `Request`
 * holding the headers (the body was already read, within the server's bound, and goes beside it
 * parsed), and a `Response` streamed back as it comes (a JSON body, or an SSE stream that may stay
 * open), with backpressure, and cancelled when the client goes away.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Headers that describe the connection or the body as Node read it, not the message. */
const NOT_FORWARDED = new Set(['connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/**
 * A body-less `Request` with `req`'s method, path and headers, aborted when `res` closes before
 * it has finished (the client left).
 */
export function webRequest(req: IncomingMessage, res: ServerResponse): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (!NOT_FORWARDED.has(req.rawHeaders[i].toLowerCase())) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  const left = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) left.abort();
  });
  return new Request(new URL(req.url ?? '/', 'http://localhost'), { method: req.method, headers, signal: left.signal });
}

/** Writes `response` to `res`: its status and headers at once (an SSE stream's client waits on them), then its body as it arrives. */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.flushHeaders();
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const cancel = () => {
    reader.cancel().catch(() => {});
  };
  res.once('close', cancel);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) return;
      if (!res.write(value)) await drained(res);
    }
    res.end();
  } catch {
    // The stream failed or was cancelled: the client sees the connection end.
    res.destroy();
  } finally {
    res.off('close', cancel);
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
