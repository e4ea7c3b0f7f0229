/**
 * An emulated phone link in front of a local server: a TCP proxy that delays each direction by
 * half the round-trip time (and a new connection's first bytes by one more, its handshake) and
 * shares one download and one upload rate among all connections, round robin, as one radio link
 * would. It sits at the server so that every request pays for it: Chromium's own emulation
 * (CDP `Network.emulateNetworkConditions`) leaves a service worker's fetches at full speed, and a
 * page whose service worker fetched a file first then reads it from the HTTP cache unthrottled.
 */
import { connect, createServer } from 'node:net';

/** Bytes a connection may send in one turn of the round robin. */
const SLICE = 16 * 1024;
/** How often the link sends what its rate allows. */
const TICK_MS = 5;

/** One direction of the link: a shared rate, a delay, per-socket queues served in turn. */
class Direction {
  /** @param {number} bytesPerSecond */
  constructor(bytesPerSecond) {
    this.rate = bytesPerSecond;
    /** @type {Map<import('node:net').Socket, Array<{ readyAt: number, data?: Buffer, end?: boolean, onSent?: (n: number) => void }>>} */
    this.queues = new Map();
    this.budget = 0;
    this.last = performance.now();
    this.timer = undefined;
    this.bytes = 0;
  }

  push(socket, item) {
    const queue = this.queues.get(socket) ?? [];
    queue.push(item);
    this.queues.set(socket, queue);
    this.timer ??= setInterval(() => this.tick(), TICK_MS);
  }

  drop(socket) {
    this.queues.delete(socket);
  }

  tick() {
    const now = performance.now();
    // At most one tick's worth can be saved up: the link does not burst after an idle moment.
    this.budget = Math.min(this.budget + (this.rate * (now - this.last)) / 1000, (this.rate * 4 * TICK_MS) / 1000 + SLICE);
    this.last = now;
    let sent = true;
    while (this.budget >= 1 && sent) {
      sent = false;
      for (const [socket, queue] of this.queues) {
        const head = queue[0];
        if (!head || head.readyAt > now) continue;
        if (head.end) {
          queue.shift();
          socket.end();
        } else {
          const n = Math.min(SLICE, Math.floor(this.budget), head.data.length);
          if (n === 0) break;
          if (!socket.destroyed) socket.write(head.data.subarray(0, n));
          head.onSent?.(n);
          this.bytes += n;
          this.budget -= n;
          head.data = head.data.subarray(n);
          if (head.data.length === 0) queue.shift();
        }
        sent = true;
        // To the back of the line: the next slice goes to the next connection (a tick's budget,
        // 5.6 kB at 9 Mbit/s, is less than a slice, so each tick would otherwise serve the first
        // connection only, and connections would finish one after the other).
        this.queues.delete(socket);
        if (queue.length > 0) this.queues.set(socket, queue);
        if (this.budget < 1) break;
      }
    }
    if (this.queues.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.budget = 0;
    }
  }
}

/**
 * Starts the link in front of `127.0.0.1:targetPort`.
 * @param {{ downBytesPerSecond: number, upBytesPerSecond: number, rttMs: number }} link
 * @returns {Promise<{ origin: string, bytesDown(): number, takeLog(): Array<{ path: string, bytes: number, startMs: number }>, close(): Promise<void> }>}
 */
export async function startPhoneLink(targetPort, { downBytesPerSecond, upBytesPerSecond, rttMs }) {
  const down = new Direction(downBytesPerSecond);
  const up = new Direction(upBytesPerSecond);
  const sockets = new Set();
  /** Every request through the link: path, bytes sent down for it, when it was made (ms since start or the last `resetLog`). */
  let requests = [];
  let t0 = performance.now();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let first = true;
    /** The request this connection serves now (HTTP/1.1: one at a time), whose bytes down are counted. */
    let current;
    client.on('data', (data) => {
      const line = /^(GET|HEAD|POST) (\S+)/.exec(data.subarray(0, 512).toString('latin1'));
      if (line) requests.push((current = { path: line[2], bytes: 0, startMs: Math.round(performance.now() - t0) }));
      // The first request of a connection also waits for the TCP handshake: one more round trip.
      up.push(upstream, { readyAt: performance.now() + rttMs / 2 + (first ? rttMs : 0), data });
      first = false;
    });
    upstream.on('data', (data) => {
      const request = current;
      if (request) request.bytes += data.length;
      // When its last byte went down (ms since the log started), for the report's phases.
      const onSent = request && (() => (request.endMs = Math.round(performance.now() - t0)));
      down.push(client, { readyAt: performance.now() + rttMs / 2, data, onSent });
    });
    client.on('end', () => up.push(upstream, { readyAt: performance.now() + rttMs / 2, end: true }));
    upstream.on('end', () => down.push(client, { readyAt: performance.now() + rttMs / 2, end: true }));
    const close = () => {
      up.drop(upstream);
      down.drop(client);
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    /** Bytes sent down the link so far (headers and bodies of every response). */
    bytesDown: () => down.bytes,
    /** The requests since the last call (or the start), and a new log from now. */
    takeLog() {
      const taken = requests;
      requests = [];
      t0 = performance.now();
      return taken;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
