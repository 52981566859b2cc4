import type { IncomingHttpHeaders } from 'node:http';
import { WebSocket } from 'ws';
import { ReceiveTimeoutError } from './receive-timeout.error';
import { UnexpectedFrameError } from './unexpected-frame.error';
import { WsClosedError } from './ws-closed.error';
import { WsRefusedError } from './ws-refused.error';

/** Options of `WsCommunicator.connect`. */
export interface WsConnectOptions {
  /** The `Origin` header; none by default, as a non-browser client sends. */
  origin?: string;
  /** More handshake headers. */
  headers?: Record<string, string>;
  /** Answer the server's pings; `false` plays a peer that vanished. @default true */
  autoPong?: boolean;
}

/** Options of `WsCommunicator.receiveJson`. */
export interface ReceiveJsonOptions {
  /**
   * Milliseconds to wait before rejecting with `ReceiveTimeoutError`: a bound
   * for a clear failure, never a pause; `Infinity` waits as long as the
   * test runner allows. @default 10000
   */
  timeoutMs?: number;
}

const DEFAULT_RECEIVE_TIMEOUT_MS = 10_000;

interface Waiter {
  resolve: (frame: string) => void;
  reject: (error: Error) => void;
}

/**
 * A real WebSocket client for tests, in the spirit of Channels'
 * `WebsocketCommunicator`: every step is a promise, frames are queued in
 * arrival order and taken one by one.
 */
export class WsCommunicator {
  private readonly frames: string[] = [];
  private readonly waiters: Waiter[] = [];
  private closeCode: number | undefined;
  /** Settles with the close code and reason once the connection has closed. */
  readonly closed: Promise<{ code: number; reason: string }>;

  /** Wraps an open socket; tests call `connect` instead. */
  constructor(
    /** The underlying `ws` socket, for what the communicator does not cover. */
    readonly socket: WebSocket,
    /** The headers of the handshake's 101 response (a balancer may add its own). */
    readonly upgradeHeaders: IncomingHttpHeaders,
  ) {
    socket.on('message', (data: Buffer) => this.take(data.toString()));
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        this.closeCode = code;
        for (const waiter of this.waiters.splice(0)) {
          waiter.reject(new WsClosedError(code));
        }
        resolve({ code, reason: reason.toString() });
      }),
    );
  }

  /**
   * Opens a connection to `url`: resolves once it is open (after the
   * gateway's `connect` step), rejects with `WsRefusedError` and the HTTP
   * status when the server refuses the handshake.
   */
  static connect<T extends WsCommunicator>(
    this: new (socket: WebSocket, headers: IncomingHttpHeaders) => T,
    url: string,
    options: WsConnectOptions = {},
  ): Promise<T> {
    const socket = new WebSocket(url, options);
    let headers: IncomingHttpHeaders = {};
    socket.once('upgrade', (response) => (headers = response.headers));
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new this(socket, headers)));
      socket.once('unexpected-response', (_request, response) => {
        reject(new WsRefusedError(response.statusCode ?? 0));
        socket.terminate();
      });
      socket.once('error', reject);
    });
  }

  /**
   * The HTTP status with which the server refuses a handshake to `url`;
   * rejects if the connection opens instead.
   */
  static async refusalStatus(
    url: string,
    options: WsConnectOptions = {},
  ): Promise<number> {
    const socket = new WebSocket(url, options);
    return new Promise((resolve, reject) => {
      socket.once('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        socket.terminate();
      });
      socket.once('open', () => {
        reject(new Error(`${url} accepted the handshake`));
        socket.close();
      });
      socket.once('error', reject);
    });
  }

  /** Sends `value` as a JSON text frame. */
  sendJson(value: unknown): void {
    this.socket.send(JSON.stringify(value));
  }

  /** Sends a raw string (a text frame) or Buffer (a binary frame) as is. */
  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  /** The next text frame, as received; rejects on timeout or close. */
  receiveText(options: ReceiveJsonOptions = {}): Promise<string> {
    const frame = this.frames.shift();
    if (frame !== undefined) {
      return Promise.resolve(frame);
    }
    if (this.closeCode !== undefined) {
      return Promise.reject(new WsClosedError(this.closeCode));
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_RECEIVE_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (text) => {
          clearTimeout(timer);
          resolve(text);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      // Infinity: no timer at all (setTimeout would clamp it to 1 ms).
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            reject(new ReceiveTimeoutError(this.socket.url, timeoutMs));
          }, timeoutMs)
        : undefined;
      this.waiters.push(waiter);
    });
  }

  /** The next frame, parsed as JSON; rejects on timeout or close. */
  async receiveJson(options: ReceiveJsonOptions = {}): Promise<unknown> {
    return JSON.parse(await this.receiveText(options)) as unknown;
  }

  /**
   * Asserts that no frame has arrived and not been taken. Frames of one
   * connection arrive in order, so await a frame the server sends after the
   * one that must not come, then call this: no sleep needed.
   * @throws UnexpectedFrameError listing the frames.
   */
  expectNothing(): void {
    if (this.frames.length > 0) {
      throw new UnexpectedFrameError(this.socket.url, this.frames.splice(0));
    }
  }

  /** Frames received and not yet taken. */
  get pending(): number {
    return this.frames.length;
  }

  /** Closes the connection (with `code`, default 1000) and waits for the close. */
  async disconnect(code?: number): Promise<{ code: number; reason: string }> {
    this.socket.close(code);
    return this.closed;
  }

  private take(frame: string): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve(frame);
    } else {
      this.frames.push(frame);
    }
  }
}
