import type { IncomingHttpHeaders } from 'node:http';
import { WebSocket, type ClientOptions } from 'ws';

/** A real `ws` client whose frames are awaited one by one. */
export class WsClient {
  private readonly frames: string[] = [];
  private readonly waiters: Array<{
    resolve: (frame: string) => void;
    reject: (error: Error) => void;
  }> = [];
  private closeCode: number | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(
    readonly socket: WebSocket,
    /** The headers of the handshake's 101 response (a balancer may add its own). */
    readonly upgradeHeaders: IncomingHttpHeaders,
  ) {
    socket.on('message', (data: Buffer) => {
      const frame = data.toString();
      const waiter = this.waiters.shift();
      if (waiter) {
        waiter.resolve(frame);
      } else {
        this.frames.push(frame);
      }
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        this.closeCode = code;
        for (const waiter of this.waiters.splice(0)) {
          waiter.reject(new Error(`closed with ${code} before a frame came`));
        }
        resolve({ code, reason: reason.toString() });
      }),
    );
  }

  /**
   * Opens a connection; resolves on `open`, rejects with the HTTP status on
   * refusal. `options` as `ws` takes them (`origin`, `headers`, `autoPong`).
   */
  static connect(url: string, options: ClientOptions = {}): Promise<WsClient> {
    const socket = new WebSocket(url, options);
    let headers: IncomingHttpHeaders = {};
    socket.once('upgrade', (response) => (headers = response.headers));
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new WsClient(socket, headers)));
      socket.once('unexpected-response', (_request, response) => {
        reject(new Error(`refused with ${response.statusCode}`));
        socket.terminate();
      });
      socket.once('error', reject);
    });
  }

  /** Sends a JSON value, or a raw string/Buffer as is. */
  send(data: unknown): void {
    this.socket.send(
      typeof data === 'string' || Buffer.isBuffer(data)
        ? data
        : JSON.stringify(data),
    );
  }

  /** The next frame, parsed as JSON; rejects once the socket has closed and no frame is left. */
  async nextMessage(): Promise<unknown> {
    const frame =
      this.frames.shift() ??
      (await new Promise<string>((resolve, reject) => {
        if (this.closeCode === undefined) {
          this.waiters.push({ resolve, reject });
        } else {
          reject(
            new Error(`closed with ${this.closeCode} before a frame came`),
          );
        }
      }));
    return JSON.parse(frame) as unknown;
  }

  /** Frames received and not yet taken. */
  get pending(): number {
    return this.frames.length;
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.closed;
  }
}
