import { registerAs } from '@nestjs/config';
import {
  DEFAULT_CAPACITY,
  DEFAULT_EXPIRY_S,
  DEFAULT_GROUP_EXPIRY_S,
  DEFAULT_PREFIX,
  type ChannelLayerBackend,
  type ChannelLayerOptions,
  type RedisConnectionOptions,
  type RedisMode,
} from '../channel-layer';
import { ConfigValidationError } from './config-validation.error';
import { parseEdgeConfig, type EdgeConfig } from './edge-config';
import { EnvReader } from './env-reader';
import { operationsConfig, type OperationsConfig } from './operations.config';

/** The application's settings (README: Configuration), typed. */
export interface AppConfig extends EdgeConfig, OperationsConfig {
  port: number;
  host: string;
  channelLayer: ChannelLayerOptions;
  chatMaxMessageLength: number;
  wsMaxPayload: number;
  /** `undefined`: only the request's own host may open a WebSocket. */
  allowedOrigins?: string[];
  /** Open WebSocket connections per instance; more are refused with 503. */
  wsMaxConnections: number;
  /** Milliseconds the connect step (joining the room) may take; longer is refused with 503. */
  wsHandshakeTimeoutMs: number;
  /** Bytes waiting to be written to one socket before it is closed with 1013. */
  wsMaxBufferedBytes: number;
  /** Chat messages per second per connection, sustained. */
  chatRateLimit: number;
  /** Chat messages per connection in a burst. */
  chatRateBurst: number;
  /** Refused messages in a row before a connection is closed with 1008. */
  chatRateAbuseLimit: number;
  /** Bearer tokens of `POST /api/rooms/<room>/messages`; `undefined`: the API is off. */
  apiTokens?: string[];
  /** Chat messages kept per room for `?history` and `?since`; `0`: history off. @default 0 */
  chatHistorySize: number;
  /** Seconds a room's history is kept after its last message. @default 3600 */
  chatHistoryTtl: number;
}

const BACKENDS: readonly ChannelLayerBackend[] = [
  'memory',
  'redis',
  'redis-pubsub',
];
const REDIS_MODES: readonly RedisMode[] = ['standalone', 'sentinel', 'cluster'];
const MASTER_NAME = {
  test: (name: string) => /^[^\s,]+$/.test(name),
  accepts: 'Sentinel master names',
};
const REDIS_URL = {
  test: (url: string) => /^rediss?:\/\/[^\s]+$/.test(url) && URL.canParse(url),
  accepts: 'redis:// or rediss:// URLs',
};
const ORIGIN = {
  test: (origin: string) =>
    origin === '*' ||
    (URL.canParse(origin) && new URL(origin).origin === origin.toLowerCase()),
  accepts:
    'origins like https://chat.example.com (scheme://host[:port], no path), or *',
};
const ANY = {
  test: (item: string) => item.length > 0,
  accepts: 'non-empty keys',
};
const TOKEN = {
  test: (token: string) => /^[\x21-\x2b\x2d-\x7e]+$/.test(token),
  accepts: 'tokens of visible ASCII characters (no spaces or commas)',
};
const PREFIX = /^[a-zA-Z\d\-_.]*$/;

function channelLayerOptions(env: EnvReader): ChannelLayerOptions {
  const backend = env.oneOf('CHANNEL_LAYER', BACKENDS, 'memory');
  const prefix = env.string('CHANNEL_LAYER_PREFIX', DEFAULT_PREFIX);
  if (!PREFIX.test(prefix) || prefix.length > 50) {
    env.problem(
      `CHANNEL_LAYER_PREFIX=${JSON.stringify(prefix)}: must be ASCII letters, digits, -, _ or . (at most 50)`,
    );
  }
  const common = {
    prefix,
    capacity: env.integer('CHANNEL_CAPACITY', DEFAULT_CAPACITY, 1, 1_000_000),
    expiry: env.integer('CHANNEL_EXPIRY', DEFAULT_EXPIRY_S, 1, 31_536_000),
    groupExpiry: env.integer(
      'GROUP_EXPIRY',
      DEFAULT_GROUP_EXPIRY_S,
      1,
      31_536_000,
    ),
  };
  const connection = redisConnection(env);
  const keys = env.list('CHANNEL_ENCRYPTION_KEYS', ANY);
  switch (backend) {
    case 'memory':
      return { backend, ...common };
    case 'redis':
      return {
        backend,
        ...common,
        ...connection,
        symmetricEncryptionKeys: keys ?? [],
      };
    case 'redis-pubsub':
      if (keys) {
        env.problem(
          'CHANNEL_ENCRYPTION_KEYS: not supported with CHANNEL_LAYER=redis-pubsub (channels_redis pub/sub has no encryption); unset it or use CHANNEL_LAYER=redis',
        );
      }
      return { backend, prefix, ...connection };
  }
}

/** Where the Redis backends find Redis: `REDIS_MODE` and the variables it needs. */
function redisConnection(env: EnvReader): RedisConnectionOptions {
  const mode = env.oneOf('REDIS_MODE', REDIS_MODES, 'standalone');
  const hosts = env.list('REDIS_URL', REDIS_URL);
  const password = env.raw('REDIS_PASSWORD');
  switch (mode) {
    case 'standalone':
      return { mode, hosts: hosts ?? ['redis://127.0.0.1:6379'] };
    case 'sentinel': {
      const masterNames = env.list('REDIS_SENTINEL_MASTERS', MASTER_NAME);
      if (!masterNames && !env.raw('REDIS_SENTINEL_MASTERS')) {
        env.problem(
          'REDIS_SENTINEL_MASTERS: required with REDIS_MODE=sentinel; the comma-separated master names, one per shard',
        );
      }
      return {
        mode,
        hosts: hosts ?? ['redis://127.0.0.1:26379'],
        masterNames: masterNames ?? [],
        sentinelPassword: env.raw('REDIS_SENTINEL_PASSWORD'),
        password,
      };
    }
    case 'cluster':
      return { mode, hosts: hosts ?? ['redis://127.0.0.1:6379'], password };
  }
}

/**
 * Reads the variables of README's Configuration section from `env`.
 * @throws ConfigValidationError with one line per bad variable.
 */
export function parseAppConfig(env: Record<string, unknown>): AppConfig {
  const reader = new EnvReader(env);
  const config: AppConfig = {
    port: reader.integer('PORT', 3000, 0, 65_535),
    host: reader.string('HOST', '0.0.0.0'),
    channelLayer: channelLayerOptions(reader),
    chatMaxMessageLength: reader.integer(
      'CHAT_MAX_MESSAGE_LENGTH',
      32_768,
      1,
      10_000_000,
    ),
    wsMaxPayload: reader.integer(
      'WS_MAX_PAYLOAD',
      65_536,
      128,
      100 * 1024 * 1024,
    ),
    allowedOrigins: reader
      .list('ALLOWED_ORIGINS', ORIGIN)
      ?.map((origin) => origin.toLowerCase()),
    wsMaxConnections: reader.integer(
      'WS_MAX_CONNECTIONS',
      10_000,
      1,
      10_000_000,
    ),
    wsHandshakeTimeoutMs: reader.integer(
      'WS_HANDSHAKE_TIMEOUT_MS',
      5_000,
      10,
      600_000,
    ),
    wsMaxBufferedBytes: reader.integer(
      'WS_MAX_BUFFERED_BYTES',
      1_048_576,
      1_024,
      1_073_741_824,
    ),
    chatRateLimit: reader.integer('CHAT_RATE_LIMIT', 20, 1, 1_000_000),
    chatRateBurst: reader.integer('CHAT_RATE_BURST', 40, 1, 1_000_000),
    chatRateAbuseLimit: reader.integer(
      'CHAT_RATE_ABUSE_LIMIT',
      100,
      1,
      1_000_000,
    ),
    ...parseEdgeConfig(reader),
    ...operationsConfig(reader),
    apiTokens: reader.list('API_TOKENS', TOKEN),
    chatHistorySize: reader.integer('CHAT_HISTORY_SIZE', 0, 0, 1_000_000),
    chatHistoryTtl: reader.integer('CHAT_HISTORY_TTL', 3_600, 1, 31_536_000),
  };
  if (reader.problems.length > 0) {
    throw new ConfigValidationError(reader.problems);
  }
  return config;
}

/**
 * The typed configuration: `@Inject(appConfig.KEY) config: ConfigType<typeof appConfig>`.
 * Validated when the application is created, after `ConfigModule` has read `.env`.
 */
export const appConfig = registerAs('app', (): AppConfig =>
  parseAppConfig(process.env),
);
