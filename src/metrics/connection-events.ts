import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import {
  ConnectionObserver,
  HandshakeRefusedError,
  type HandshakeOutcome,
  type SocketDropReason,
} from '../consumers';
import { RateLimitedLog } from '../logging/rate-limited-log';
import { ChannelsMetrics } from './channels-metrics';

/** Close codes of a connection that ended as it should: normal, going away, no status. */
const NORMAL_CLOSE_CODES = new Set([1000, 1001, 1005]);

/**
 * What the WebSocket edge reports once per connection: handshakes refused
 * and accepted, closes. Each is counted, and refusals and abnormal closes
 * are logged, one line each, rate-limited per kind.
 */
@Injectable()
export class ConnectionEvents
  extends ConnectionObserver
  implements OnApplicationShutdown
{
  private readonly log = new RateLimitedLog(new Logger('Connections'));

  constructor(private readonly metrics: ChannelsMetrics) {
    super();
  }

  override delivered(): void {
    this.metrics.deliveries.inc();
  }

  override dropped(reason: SocketDropReason): void {
    this.metrics.dropped[reason].inc();
  }

  /** A handshake refused before the gateway ran, for `outcome`. */
  override refused(
    outcome: HandshakeOutcome,
    request: IncomingMessage,
    status: number,
    reason: string,
  ): void {
    this.metrics.handshakes[outcome].inc();
    this.log.warn('handshake_refused', `handshake refused: ${reason}`, {
      outcome,
      status,
      path: request.url?.split('?')[0],
      origin: request.headers.origin,
    });
  }

  /**
   * A handshake that the runtime or a gateway's `connect` refused (or that
   * failed: `error` is not a `HandshakeRefusedError`).
   */
  override failed(error: unknown, request: IncomingMessage): void {
    if (!(error instanceof HandshakeRefusedError)) {
      return this.refused('unavailable', request, 503, String(error));
    }
    this.refused(outcomeOf(error), request, error.status, error.message);
  }

  /** A connection on route `path` (`/ws/chat/:room/`) opened. */
  override opened(path: string): void {
    this.metrics.handshakes.accepted.inc();
    this.metrics.connectionOpened(path);
  }

  /** A connection on route `path` closed with `code`. */
  override closed(path: string, code: number, channel: string): void {
    this.metrics.connectionClosed(path, code);
    if (!NORMAL_CLOSE_CODES.has(code)) {
      this.log.warn('abnormal_close', `connection closed with ${code}`, {
        code,
        path,
        channel,
      });
    }
  }

  onApplicationShutdown(): void {
    this.log.flush();
  }
}

/**
 * The outcome of a refusal by the runtime or a gateway. The runtime refuses
 * with 503 for a timeout or when not accepting; a gateway's 400 is a bad
 * room (the chat's only one); anything else is the gateway's own refusal.
 */
function outcomeOf(error: HandshakeRefusedError): HandshakeOutcome {
  if (error.message === 'Handshake timed out') {
    return 'timeout';
  }
  if (error.status === 503) {
    return 'unavailable';
  }
  return error.status === 400 ? 'bad_room' : 'refused';
}
