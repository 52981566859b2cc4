/**
 * The server refused a WebSocket handshake with an HTTP status (a
 * `HandshakeRefusedError` in the gateway's `connect`, an unknown path, a
 * disallowed origin, a full server).
 */
export class WsRefusedError extends Error {
  constructor(
    /** The HTTP status of the refusal. */
    readonly status: number,
  ) {
    super(`refused with ${status}`);
  }

  override get name(): string {
    return 'WsRefusedError';
  }
}
