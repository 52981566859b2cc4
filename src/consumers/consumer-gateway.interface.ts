import type { ConsumerConnection } from './consumer-connection';

/**
 * Lifecycle steps a gateway may implement, as a Channels `WebsocketConsumer`
 * has `connect`, `receive` and `disconnect`.
 * @typeParam S what the gateway keeps per connection (`connection.state`).
 */
export interface ConsumerGateway<S = unknown> {
  /**
   * Runs before the WebSocket handshake completes (Channels' `connect` before
   * `accept`): join groups here, and throw `HandshakeRefusedError` to refuse.
   */
  connect?(connection: ConsumerConnection<S>): Promise<void> | void;
  /**
   * Takes each frame of the connection, text as a string and binary as a
   * Buffer (Channels' `receive(text_data, bytes_data)`), one at a time: a
   * returned promise holds the next frame until it settles. A non-nil result
   * is sent back as JSON. Called directly, without Nest's per-message
   * pipeline; a gateway that needs guards or pipes uses `@SubscribeMessage`
   * instead.
   */
  receive?(connection: ConsumerConnection<S>, frame: string | Buffer): unknown;
  /** Runs once when the connection ends, whoever closed it. */
  disconnect?(
    connection: ConsumerConnection<S>,
    code: number,
  ): Promise<void> | void;
}
