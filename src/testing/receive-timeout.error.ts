/**
 * `WsCommunicator.receiveJson` waited its whole timeout and no frame came.
 * It says how long it waited and on which URL, so a failing test names the
 * connection that stayed silent.
 */
export class ReceiveTimeoutError extends Error {
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`no frame from ${url} within ${timeoutMs} ms`);
  }

  override get name(): string {
    return 'ReceiveTimeoutError';
  }
}
