import type { IncomingHttpHeaders } from 'node:http';
import { WebSocket } from 'ws';
import { NO_OBSERVER, type ConnectionObserver } from './connection-observer';
import { writeFrame, type TextFrame } from './ws/text-frame';
import { corkForTurn, flushTurn } from './ws/turn-cork';

const connections = new WeakMap<WebSocket, ConsumerConnection<unknown>>();

/**
 * What a connection keeps of its upgrade request, as Channels' scope keeps
 * `headers` and `path`: the whole `IncomingMessage` would cost about 1 KiB
 * more per open connection.
 */
export interface ConnectionRequest {
  /**
   * Its headers, but for the handshake's own (`connection`, `upgrade`,
   * `sec-websocket-key`, `-version`, `-extensions`), which mean nothing once
   * it is done.
   */
  readonly headers: IncomingHttpHeaders;
  /** The request target, path and query (`/ws/chat/lobby/?token=…`). */
  readonly url: string;
  /** The socket's peer address (a proxy's, behind one), as Channels' `scope['client']`. */
  readonly remoteAddress?: string;
}

/** Close code for a client too slow to read what it is sent (try again later). */
export const CLOSE_TOO_SLOW = 1013;

/**
 * One WebSocket connection and its channel, as a Channels consumer instance is:
 * gateways get it in `connect`, `receive`, `disconnect`, channel handlers and,
 * through `@SenderConnection()`, in message handlers.
 * @typeParam S what the gateway keeps per connection, set in `connect`.
 */
export class ConsumerConnection<S = unknown> {
  /**
   * The gateway's state of this connection (a room's group, a rate bucket),
   * computed once in `connect` (Channels keeps it on `self`).
   */
  state!: S;
  private socket?: WebSocket;
  private maxBufferedBytes = Number.POSITIVE_INFINITY;

  constructor(
    /** Its channel on the layer (Channels' `self.channel_name`). */
    readonly channel: string,
    /** URL route parameters (Channels' `scope['url_route']['kwargs']`). */
    readonly params: Readonly<Record<string, string>>,
    /** The upgrade request's headers and URL (cookies, tokens for authentication). */
    readonly request: ConnectionRequest,
    /** Told of this connection's deliveries and drops. */
    readonly observer: ConnectionObserver = NO_OBSERVER,
  ) {}

  /** The connection bound to `socket`, if any. */
  static of(socket: WebSocket): ConsumerConnection | undefined {
    return connections.get(socket);
  }

  /**
   * Binds the accepted socket.
   * @param maxBufferedBytes bytes waiting to be written before the socket is closed with 1013.
   */
  attach(socket: WebSocket, maxBufferedBytes?: number): void {
    this.socket = socket;
    this.maxBufferedBytes = maxBufferedBytes ?? Number.POSITIVE_INFINITY;
    connections.set(socket, this);
  }

  /** Sends `data` as one JSON text frame (see `sendText`). */
  sendJson(data: unknown): void {
    this.sendText(JSON.stringify(data));
  }

  /**
   * Sends one text frame; a no-op once the socket is closing (see `accepts`).
   * A frame sent to many sockets is better framed once: `sendFrame`.
   */
  sendText(frame: string | Buffer): void {
    if (this.socket && this.accepts()) {
      corkForTurn(this.socket);
      this.socket.send(frame, { binary: false });
      this.observer.delivered();
    }
  }

  /** Sends a frame framed once for many sockets (see `TextFrame`), as `sendText` does. */
  sendFrame(frame: TextFrame): void {
    if (this.socket && this.accepts()) {
      corkForTurn(this.socket);
      writeFrame(this.socket, frame);
      this.observer.delivered();
    }
  }

  /** Closes the socket with `code`. */
  close(code: number, reason?: string): void {
    this.socket?.close(code, reason);
  }

  /**
   * Whether the socket is open and its client keeps up. A client that stopped
   * reading is closed with 1013 once what waits for it passes the bound,
   * instead of growing this process's memory.
   */
  private accepts(): boolean {
    const socket = this.socket;
    if (socket?.readyState !== WebSocket.OPEN) {
      return false;
    }
    if (socket.bufferedAmount > this.maxBufferedBytes) {
      flushTurn(socket);
    }
    if (socket.bufferedAmount > this.maxBufferedBytes) {
      socket.close(CLOSE_TOO_SLOW, 'Client too slow');
      this.observer.dropped('slow_client');
      return false;
    }
    return true;
  }
}
