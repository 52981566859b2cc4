import { WebSocket } from 'ws';
import type { ClientProtocol } from '../targets/target';

/** Socket.IO 4 (Engine.IO 4) packets the client needs, over a bare WebSocket. */
const EIO_OPEN = '0';
const EIO_PING = '2';
const EIO_PONG = '3';
const SIO_CONNECT = '40';
const SIO_EVENT = '42';

/** Milliseconds a connection may take to open. */
const CONNECT_TIMEOUT_MS = 15_000;

/**
 * One chat connection of the load generator, speaking the tutorial's frames
 * or Socket.IO's, with the same cost either way: one `ws` socket, one JSON
 * parse per received message.
 */
export class BenchClient {
  /** Set by `close()`: a connection the bench closes itself is not a lost one. */
  private closing = false;

  private constructor(
    private readonly socket: WebSocket,
    private readonly protocol: ClientProtocol,
  ) {}

  /** Opens a connection (for Socket.IO, up to its namespace CONNECT ack). */
  static connect(
    url: string,
    protocol: ClientProtocol,
    onMessage: (text: string) => void,
    onLost: () => void,
  ): Promise<BenchClient> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const client = new BenchClient(socket, protocol);
    return new Promise((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`connect timed out: ${url}`));
      }, CONNECT_TIMEOUT_MS);
      const done = (): void => {
        ready = true;
        clearTimeout(timer);
        resolve(client);
      };
      socket.on('message', (data: Buffer) => {
        const text = data.toString();
        if (protocol === 'chat') {
          onMessage(text);
        } else if (text.startsWith(SIO_EVENT)) {
          onMessage(text);
        } else if (text === EIO_PING) {
          socket.send(EIO_PONG);
        } else if (text.startsWith(SIO_CONNECT)) {
          done();
        } else if (text.startsWith(EIO_OPEN)) {
          socket.send(SIO_CONNECT);
        }
      });
      socket.once('open', () => protocol === 'chat' && done());
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.once('close', () => ready && !client.closing && onLost());
    });
  }

  /**
   * A received frame's chat text (`message`) or error reply (`error`, as the
   * app's `{"error": "room_overloaded", …}`); both undefined for anything else.
   */
  static read(
    frame: string,
    protocol: ClientProtocol,
  ): { message?: string; error?: string } {
    try {
      const parsed: unknown = JSON.parse(
        protocol === 'chat' ? frame : frame.slice(SIO_EVENT.length),
      );
      const body = (
        protocol === 'chat' ? parsed : (parsed as unknown[])[1]
      ) as {
        message?: unknown;
        error?: unknown;
      } | null;
      return {
        message: typeof body?.message === 'string' ? body.message : undefined,
        error: typeof body?.error === 'string' ? body.error : undefined,
      };
    } catch {
      return {};
    }
  }

  send(text: string): void {
    this.socket.send(
      this.protocol === 'chat'
        ? JSON.stringify({ message: text })
        : SIO_EVENT + JSON.stringify(['chat', { message: text }]),
    );
  }

  /** Closes the connection; resolves once it is closed (or after 5 s). */
  close(): Promise<void> {
    this.closing = true;
    if (this.socket.readyState === WebSocket.CLOSED) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.socket.terminate();
        resolve();
      }, 5_000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.close();
    });
  }
}
