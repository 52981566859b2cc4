import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Answers an upgrade request with a plain-text HTTP error and closes the
 * connection. The handshake never completed, so a status line is still the
 * only thing the client understands; a socket that can no longer be written
 * is destroyed instead.
 */
export function refuseUpgrade(
  socket: Duplex,
  status: number,
  reason: string,
): void {
  if (socket.writable) {
    const body = `${reason}\n`;
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\n` +
        `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  } else {
    socket.destroy();
  }
}
