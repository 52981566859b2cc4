import type { ChannelLayer } from '../channel-layer';

/** Settings every backend shares, named after Channels' layer `CONFIG`. */
export interface CommonChannelLayerOptions {
  /**
   * Key and channel prefix, as channels_redis `prefix`.
   * @default 'asgi'
   */
  prefix?: string;
  /**
   * Messages kept per channel before `send` throws `ChannelFullError`.
   * @default 100
   */
  capacity?: number;
  /**
   * Glob pattern → capacity for matching channels (Channels' `channel_capacity`);
   * the first matching pattern wins.
   * @default {}
   */
  channelCapacity?: Readonly<Record<string, number>>;
  /**
   * Seconds an undelivered message is kept.
   * @default 60
   */
  expiry?: number;
  /**
   * Seconds a group membership lasts unless `groupAdd` refreshes it.
   * @default 86400
   */
  groupExpiry?: number;
}

/** Options of the embedded, single-process backend. */
export interface MemoryChannelLayerOptions extends CommonChannelLayerOptions {
  backend: 'memory';
  /**
   * Time source in milliseconds, replaceable so tests control expiry.
   * @default Date.now
   */
  now?: () => number;
}

/** Standalone Redis servers: each URL is one shard. */
export interface StandaloneRedisOptions {
  /**
   * How the layer reaches Redis.
   * @default 'standalone'
   */
  mode?: 'standalone';
  /**
   * `redis://` or `rediss://` URLs; several are shards, picked by channels_redis's
   * CRC32 hash, so list them in the same order as every peer does.
   */
  hosts: readonly string[];
}

/** Sentinel-managed masters (channels_redis's `{"sentinels": [...], "master_name": ...}` hosts). */
export interface SentinelRedisOptions {
  mode: 'sentinel';
  /**
   * The sentinels, as `redis://[[user]:password@]host:port` URLs; URL
   * credentials authenticate to the sentinels.
   */
  hosts: readonly string[];
  /**
   * The monitored master names, one per shard, in the order every peer lists
   * its hosts (the CRC32 shard choice indexes this list).
   */
  masterNames: readonly string[];
  /**
   * Password for the sentinels, when their URLs carry none.
   * @default undefined (the URL's, or none)
   */
  sentinelPassword?: string;
  /**
   * Password for the masters (and replicas).
   * @default undefined (none)
   */
  password?: string;
}

/** One Redis Cluster. Django interop is not available there (channels_redis cannot use a Cluster). */
export interface ClusterRedisOptions {
  mode: 'cluster';
  /** Seed nodes of the cluster as `redis://` URLs; the others are discovered. */
  hosts: readonly string[];
  /**
   * Password for the cluster's nodes, when the seed URLs carry none.
   * @default undefined (the first URL's, or none)
   */
  password?: string;
}

/** Options shared by the Redis backends: where Redis is, one shape per `mode`. */
export type RedisConnectionOptions =
  StandaloneRedisOptions | SentinelRedisOptions | ClusterRedisOptions;

/** How the Redis backends reach Redis. */
export type RedisMode = NonNullable<RedisConnectionOptions['mode']>;

/** Options of `channels_redis.core.RedisChannelLayer`'s counterpart. */
export type RedisChannelLayerOptions = RedisConnectionOptions &
  RedisCoreLayerSettings;

/** The settings of `RedisChannelLayerOptions` besides the connection. */
export interface RedisCoreLayerSettings extends CommonChannelLayerOptions {
  backend: 'redis';
  /**
   * Messages this process's senders let a process's key hold (the key that
   * carries all of a process's channels' messages to its one reader), when
   * larger than the channel's capacity. Django senders apply their own
   * `channel_capacity` to it.
   * @default 1000
   */
  processCapacity?: number;
  /**
   * Keys as channels_redis `symmetric_encryption_keys`: the first encrypts,
   * any decrypts.
   * @default [] (no encryption)
   */
  symmetricEncryptionKeys?: readonly string[];
}

/** Options of `channels_redis.pubsub.RedisPubSubChannelLayer`'s counterpart. */
export type RedisPubSubChannelLayerOptions = RedisConnectionOptions &
  RedisPubSubLayerSettings;

/** The settings of `RedisPubSubChannelLayerOptions` besides the connection. */
export interface RedisPubSubLayerSettings extends Pick<
  CommonChannelLayerOptions,
  'prefix'
> {
  backend: 'redis-pubsub';
}

/** Options of `ChannelLayerModule`, one shape per backend. */
export type ChannelLayerOptions =
  | MemoryChannelLayerOptions
  | RedisChannelLayerOptions
  | RedisPubSubChannelLayerOptions;

/** `ChannelLayerModule`'s options: a backend's, and what to wrap it in. */
export type ChannelLayerModuleOptions = ChannelLayerOptions & {
  /**
   * Wraps the backend once it is built (metrics, tracing); everyone who
   * injects `ChannelLayer` gets what it returns.
   * @default none
   */
  decorate?: (
    layer: ChannelLayer,
    backend: ChannelLayerBackend,
  ) => ChannelLayer;
};

/** The backend names `ChannelLayerModule` accepts. */
export type ChannelLayerBackend = ChannelLayerOptions['backend'];
