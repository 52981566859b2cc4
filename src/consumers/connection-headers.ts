import type { IncomingHttpHeaders } from 'node:http';

/** Headers of the WebSocket handshake itself, which mean nothing once it is done. */
const HANDSHAKE_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
]);

/**
 * The upgrade request's headers a connection keeps for its life: all but the
 * handshake's own (`sec-websocket-protocol` is kept: it names the protocol
 * the connection speaks). An idle connection keeps them as long as it is
 * open, and most of a browser's handshake is these.
 */
export function connectionHeaders(
  headers: IncomingHttpHeaders,
): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = {};
  for (const name of Object.keys(headers)) {
    if (!HANDSHAKE_HEADERS.has(name)) {
      kept[name] = headers[name];
    }
  }
  return kept;
}
