import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** Sockets corked by `corkForTurn` whose turn has not ended yet. */
let corked: Socket[] = [];

function uncorkAll(): void {
  const sockets = corked;
  corked = [];
  for (const socket of sockets) {
    socket.uncork();
  }
}

/**
 * Holds what is written to `socket`'s TCP connection until the current
 * event-loop turn's synchronous work and ticks run out, then writes it with
 * one system call: the messages one read of the layer's replies delivers to
 * a socket (several, under load) cost one `writev`, not one `write` each.
 * Order is kept: corking only delays the writes, and `end` uncorks first.
 * ws has no public way to do this; its `_socket` is the connection's
 * `net.Socket` (Socket.IO's engine.io reaches it the same way), and a socket
 * without one is left as it is.
 */
export function corkForTurn(socket: WebSocket): void {
  const connection = (socket as unknown as { _socket?: Socket })._socket;
  if (!connection || connection.writableCorked > 0) {
    return;
  }
  connection.cork();
  if (corked.push(connection) === 1) {
    process.nextTick(uncorkAll);
  }
}
