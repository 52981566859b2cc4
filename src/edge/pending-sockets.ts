import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

/** Options of `limitPendingSockets`. */
export interface PendingSocketsOptions {
  /** Milliseconds a connection may take to send its first request's headers. */
  headersTimeoutMs: number;
  /** Connections at once still sending those headers; more are dropped on arrival. */
  maxPending: number;
}

/**
 * Bounds the connections that have not finished their first request's headers
 * (a slow or partial upgrade request holds a socket and its memory, and is not
 * a WebSocket connection yet, so `WS_MAX_CONNECTIONS` does not count it): each
 * is destroyed after `headersTimeoutMs`, and past `maxPending` a new one is
 * destroyed at once. Node's own `headersTimeout` is set too, for the later
 * requests of a kept-alive connection, though Node only checks it every 30 s.
 */
export function limitPendingSockets(
  server: Server,
  { headersTimeoutMs, maxPending }: PendingSocketsOptions,
): void {
  const pending = new Map<Socket, NodeJS.Timeout>();
  // One listener for every socket (called on the socket), removed once its
  // request came: nothing stays on a connection for its life.
  function closed(this: Socket): void {
    settle(this);
  }
  const settle = (socket: Socket): void => {
    clearTimeout(pending.get(socket));
    pending.delete(socket);
    socket.off('close', closed);
  };
  server.on('connection', (socket: Socket) => {
    if (pending.size >= maxPending) {
      socket.destroy();
      return;
    }
    const timer = setTimeout(() => socket.destroy(), headersTimeoutMs);
    timer.unref(); // a slow client must not keep a stopping process alive
    pending.set(socket, timer);
    socket.on('close', closed);
  });
  const arrived = (request: IncomingMessage): void => settle(request.socket);
  server.on('request', arrived);
  server.on('upgrade', arrived);
  server.headersTimeout = headersTimeoutMs;
}
