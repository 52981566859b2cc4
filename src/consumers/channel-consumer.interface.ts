import type { Consumer } from './consumer';

/**
 * Lifecycle steps a gateway may implement, as a Channels `WebsocketConsumer`
 * has `connect` and `disconnect`.
 */
export interface ChannelConsumer {
  /**
   * Runs before the WebSocket handshake completes (Channels' `connect` before
   * `accept`): join groups here, and throw `HandshakeRefusedError` to refuse.
   */
  connect?(consumer: Consumer): Promise<void> | void;
  /** Runs once when the connection ends, whoever closed it. */
  disconnect?(consumer: Consumer, code: number): Promise<void> | void;
}
