/**
 * Test servers listen on a free port of 127.0.0.1. Browsers keep connections open, so closing
 * also ends them: otherwise `close()` would wait for them to time out.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Listening {
  port: number;
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  /** Stops listening and ends every open connection. */
  close(): Promise<void>;
}

/** Starts `server` on a free loopback port; `onConnection` sees each TCP connection. */
export async function listenOnLoopback(server: Server, onConnection?: (socket: Socket) => void): Promise<Listening> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    onConnection?.(socket);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/**
 * A path prefix of one server's own, for servers of wheels: the package broker keeps wheels by URL
 * in a folder other processes share (src/sandbox/packages/wheel-store.ts), so a server that got an earlier
 * one's port (another test file, the other `npm test` pass) would otherwise find its wheels there.
 */
export function ownPathPrefix(): { prefix: string; within(url: string | undefined): string | undefined } {
  const prefix = `/${randomUUID()}`;
  return { prefix, within: (url) => (url?.startsWith(`${prefix}/`) ? url.slice(prefix.length) : undefined) };
}
