import type { IncomingMessage } from 'node:http';

/** Why a handshake ended as it did (`channels_handshakes_total{outcome}`). */
export type HandshakeOutcome =
  | 'accepted'
  | 'not_found'
  | 'bad_room'
  | 'origin'
  | 'full'
  | 'timeout'
  | 'unavailable'
  | 'refused';

/** Why a message did not reach a socket. */
export type SocketDropReason = 'no_handler' | 'slow_client';

/**
 * What the consumer runtime reports about its connections, once per event,
 * to whoever counts or logs them. This base class tells no one; an app binds
 * its own (metrics, logs) by providing `ConnectionObserver` from a global
 * module. The runtime never depends on what observes it.
 */
export class ConnectionObserver {
  /** A handshake refused before the gateway ran, for `outcome`. */
  refused(
    _outcome: HandshakeOutcome,
    _request: IncomingMessage,
    _status: number,
    _reason: string,
  ): void {}

  /** A handshake that the runtime or a gateway's `connect` refused, or that failed. */
  failed(_error: unknown, _request: IncomingMessage): void {}

  /** A connection on route `path` (`/ws/chat/:room/`) opened. */
  opened(_path: string): void {}

  /** A connection on route `path` closed with `code`. */
  closed(_path: string, _code: number, _channel: string): void {}

  /** A frame written to a socket. Called once per delivery: keep it cheap. */
  delivered(): void {}

  /** A message that did not reach its socket, and why. */
  dropped(_reason: SocketDropReason): void {}
}

/** The observer that tells no one, for consumers made outside a runtime. */
export const NO_OBSERVER = new ConnectionObserver();
