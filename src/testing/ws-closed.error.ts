/** The connection closed while a test was waiting for a frame on it. */
export class WsClosedError extends Error {
  constructor(
    /** The WebSocket close code. */
    readonly code: number,
  ) {
    super(`closed with ${code} before a frame came`);
  }

  override get name(): string {
    return 'WsClosedError';
  }
}
