import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Pings every connection of `server` each `intervalMs` and terminates one that
 * has not answered the previous ping with a pong: a peer that vanished without
 * a close (a dropped network, a sleeping laptop) would otherwise hold its
 * connection, its channel and its slot of `maxConnections` forever. Stops when
 * the server closes; no interval (or 0) turns it off.
 */
export function startHeartbeat(
  server: WebSocketServer,
  intervalMs?: number,
): void {
  if (!intervalMs) {
    return;
  }
  const awaitingPong = new WeakSet<WebSocket>();
  // One listener for every socket (`ws` calls it on the socket), not a
  // closure per connection.
  function answered(this: WebSocket): void {
    awaitingPong.delete(this);
  }
  server.on('connection', (socket: WebSocket) => socket.on('pong', answered));
  const timer = setInterval(() => {
    for (const socket of server.clients) {
      if (awaitingPong.has(socket)) {
        socket.terminate();
        continue;
      }
      awaitingPong.add(socket);
      socket.ping();
    }
  }, intervalMs);
  timer.unref(); // pings must not keep a stopping process alive
  server.once('close', () => clearInterval(timer));
}
