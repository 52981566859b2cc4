import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/**
 * Bytes a turn holds back for one socket at most: past this, what it holds
 * goes at once, and the turn corks again. Enough for many messages to share
 * a write; small beside a socket's send buffer, so that what waits in the
 * process for a client that reads stays small too.
 */
const TURN_BYTES = 64 * 1024;

/** TCP connections written to in the current turn. */
const written = new Set<Socket>();
/** Those of them corked for the rest of the turn. */
let corked: Socket[] = [];

function endTurn(): void {
  const sockets = corked;
  corked = [];
  written.clear();
  for (const socket of sockets) {
    try {
      socket.uncork();
    } catch (error) {
      // Its writes would stay held: it is closed, and the other sockets are
      // uncorked all the same.
      socket.destroy(error as Error);
    }
  }
}

/** ws's connection of `socket`: ws has no public way to reach it (Socket.IO's engine.io uses `_socket` too). */
const connectionOf = (socket: WebSocket): Socket | undefined =>
  (socket as unknown as { _socket?: Socket })._socket ?? undefined;

/** Whether this turn corked `connection` (it was written to in this turn, and is corked). */
const heldByTurn = (connection: Socket): boolean =>
  connection.writableCorked > 0 && written.has(connection);

/** Hands what `connection` holds to the system now, and keeps it corked. */
function flush(connection: Socket): void {
  connection.uncork();
  connection.cork();
}

/**
 * Called before each write to `socket`: its first write of a turn goes at
 * once, and a second one corks its TCP connection, so that the turn's later
 * writes leave together, with one `writev` (one per `TURN_BYTES`), when the
 * turn ends. A turn ends in a promise job queued at its first write (not a
 * `process.nextTick`: fake timers in a test replace the latter, and a turn
 * that never ended would hold every socket's writes). The messages one read
 * of the layer delivers to a socket (several, under load) then cost two
 * system calls, not one each; a paced load (one message per socket per
 * turn) pays a set insertion. Order is kept: corking only delays the writes,
 * and `end` uncorks first. A socket without a connection is left as it is.
 */
export function corkForTurn(socket: WebSocket): void {
  const connection = connectionOf(socket);
  if (!connection) {
    return;
  }
  if (connection.writableCorked > 0) {
    if (connection.writableLength >= TURN_BYTES && heldByTurn(connection)) {
      flush(connection);
    }
    return;
  }
  const before = written.size;
  if (written.add(connection).size > before) {
    if (before === 0) {
      void Promise.resolve().then(endTurn);
    }
    return;
  }
  connection.cork();
  corked.push(connection);
}

/**
 * Hands what this turn has corked on `socket` to the system now: a bound on
 * the bytes waiting for a socket is about what its client has not read, not
 * about what this turn holds back.
 */
export function flushTurn(socket: WebSocket): void {
  const connection = connectionOf(socket);
  if (connection && heldByTurn(connection)) {
    flush(connection);
  }
}
