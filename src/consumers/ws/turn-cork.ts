import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** TCP connections written to in the current event-loop turn. */
const written = new Set<Socket>();
/** Those of them corked for the rest of the turn. */
let corked: Socket[] = [];

function endTurn(): void {
  const sockets = corked;
  corked = [];
  written.clear();
  for (const socket of sockets) {
    socket.uncork();
  }
}

/**
 * Called before each write to `socket`: its first write of an event-loop
 * turn goes at once, and a second one corks its TCP connection, so that the
 * rest of the turn's writes leave together, with one `writev`, once the
 * turn's ticks have run. The messages one read of the layer delivers to a
 * socket (several, under load) then cost two system calls, not one each,
 * and a paced load (one message per socket per turn) pays nothing for it.
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
  if (!written.has(connection)) {
    written.add(connection);
    if (written.size === 1) {
      process.nextTick(endTurn);
    }
    return;
  }
  connection.cork();
  corked.push(connection);
}
