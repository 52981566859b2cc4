import { ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * Answers an upgrade request that is not a WebSocket one (an `h2c` offer,
 * which a server may ignore) as the plain HTTP request it also is: Node hands
 * every `Upgrade` request to the `upgrade` listeners once there is one, so
 * without this `curl --http2 http://…/healthz` would never reach the routes.
 * The connection closes after the response (its parser is gone).
 */
export function serveAsHttp(
  server: Server,
  request: IncomingMessage,
  socket: Duplex,
): void {
  const response = new ServerResponse(request);
  response.shouldKeepAlive = false;
  // An `upgrade` event's socket is the connection's net.Socket.
  const connection = socket as Socket;
  response.assignSocket(connection);
  response.on('finish', () => {
    response.detachSocket(connection);
    connection.destroySoon();
  });
  server.emit('request', request, response);
}
