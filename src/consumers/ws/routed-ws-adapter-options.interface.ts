import type { UpgradeGuard } from './upgrade-guard.interface';

/** Options of `RoutedWsAdapter`. */
export interface RoutedWsAdapterOptions {
  /** Largest frame in bytes; a larger one closes its connection with 1009. @default 65536 */
  maxPayload?: number;
  /** Runs on every routed upgrade: a status and reason refuse it (Host, Origin, rate limits). */
  guard?: UpgradeGuard;
  /** Milliseconds between pings; a peer that misses a pong is closed. @default off */
  pingIntervalMs?: number;
  /** Connections at once; more are refused with 503. @default unlimited */
  maxConnections?: number;
  /** Milliseconds the gateway's `connect` may take; longer is refused with 503. @default unlimited */
  handshakeTimeoutMs?: number;
  /** Bytes waiting to be written to a socket before it is closed with 1013. @default unlimited */
  maxBufferedBytes?: number;
}
