import { WsCommunicator } from '../../src/testing';

/**
 * The project's name for the test kit's `WsCommunicator`, with the verbs its
 * suites were written with. New tests can use `WsCommunicator` directly.
 */
export class WsClient extends WsCommunicator {
  /** Sends a JSON value, or a raw string/Buffer as is. */
  send(data: unknown): void {
    if (typeof data === 'string' || Buffer.isBuffer(data)) {
      this.sendRaw(data);
    } else {
      this.sendJson(data);
    }
  }

  /**
   * The next frame, parsed as JSON; rejects once the socket has closed and no
   * frame is left. No timeout of its own: jest's bounds the wait, as before.
   */
  nextMessage(): Promise<unknown> {
    return this.receiveJson({ timeoutMs: Infinity });
  }

  /** Closes the connection and waits for the close. */
  async close(): Promise<void> {
    await this.disconnect();
  }
}
