import { DEFAULT_ALLOWED_HOSTS } from '../edge/allowed-hosts';
import { compileTrustProxy } from '../edge/client-address';
import type { EnvReader } from './env-reader';

/** The settings of the edge: hosts, proxies, per-address limits, timeouts (README: Security). */
export interface EdgeConfig {
  /** `Host` values served, as Django's `ALLOWED_HOSTS`. */
  allowedHosts: string[];
  /** Proxies whose `X-Forwarded-For` is read (Express's `trust proxy`); `undefined`: none. */
  trustProxy?: string[];
  /** WebSocket handshakes per minute per client address, sustained. */
  wsHandshakeRateLimit: number;
  /** WebSocket handshakes per client address in a burst. */
  wsHandshakeRateBurst: number;
  /** Chat messages per minute per client address, over all its connections. */
  chatAddressRateLimit: number;
  /** Chat messages per client address in a burst. */
  chatAddressRateBurst: number;
  /** Milliseconds between WebSocket pings; a peer that missed the last pong is closed. 0: off. */
  wsPingIntervalMs: number;
  /** Milliseconds a new connection may take to send its request's headers. */
  httpHeadersTimeoutMs: number;
  /** Connections still sending their first request's headers, at most; more are dropped. */
  httpMaxPendingSockets: number;
  /** Milliseconds a shutdown may take before the process exits anyway. */
  shutdownTimeoutMs: number;
}

const HOST_PATTERN = {
  test: (item: string) =>
    item === '*' ||
    /^\.?([a-z\d-]+(\.[a-z\d-]+)*\.?|\[[a-f\d]*:[a-f\d.:]+\])$/i.test(item),
  accepts:
    'host names (example.com, .example.com for its subdomains too), IP addresses ([::1] for IPv6) or *',
};
const PROXY = {
  test: (item: string) => {
    try {
      compileTrustProxy([item]);
      return true;
    } catch {
      return false;
    }
  },
  accepts:
    'proxy addresses or subnets (10.0.0.1, 172.16.0.0/12) or loopback, linklocal, uniquelocal',
};

/** Reads the edge's variables; problems go to `reader` like every other variable's. */
export function parseEdgeConfig(reader: EnvReader): EdgeConfig {
  const perMinute = (name: string, fallback: number): number =>
    reader.integer(name, fallback, 1, 100_000_000);
  return {
    allowedHosts: (
      reader.list('ALLOWED_HOSTS', HOST_PATTERN) ?? [...DEFAULT_ALLOWED_HOSTS]
    ).map((host) => host.toLowerCase()),
    trustProxy: reader.list('TRUST_PROXY', PROXY),
    wsHandshakeRateLimit: perMinute('WS_HANDSHAKE_RATE_LIMIT', 600),
    wsHandshakeRateBurst: perMinute('WS_HANDSHAKE_RATE_BURST', 100),
    chatAddressRateLimit: perMinute('CHAT_ADDRESS_RATE_LIMIT', 12_000),
    chatAddressRateBurst: perMinute('CHAT_ADDRESS_RATE_BURST', 1_000),
    wsPingIntervalMs: reader.integer(
      'WS_PING_INTERVAL_MS',
      30_000,
      0,
      3_600_000,
    ),
    httpHeadersTimeoutMs: reader.integer(
      'HTTP_HEADERS_TIMEOUT_MS',
      5_000,
      10,
      300_000, // Node's requestTimeout, which a headers timeout may not pass
    ),
    httpMaxPendingSockets: reader.integer(
      'HTTP_MAX_PENDING_SOCKETS',
      1_000,
      1,
      10_000_000,
    ),
    shutdownTimeoutMs: reader.integer(
      'SHUTDOWN_TIMEOUT_MS',
      8_000,
      100,
      600_000,
    ),
  };
}
