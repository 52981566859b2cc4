/** Thrown by a gateway's `connect` to refuse the handshake with an HTTP status. */
export class HandshakeRefusedError extends Error {
  constructor(
    /** HTTP status of the refusal. @default 403 */
    readonly status = 403,
    message = 'Connection refused',
  ) {
    super(message);
  }

  override get name(): string {
    return 'HandshakeRefusedError';
  }
}
