/**
 * Test servers listen on a free port of 127.0.0.1. Browsers keep connections open, so closing
 * also ends them: otherwise `close()` would wait for them to time out.
 */
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
