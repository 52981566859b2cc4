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

/** Options shared by the Redis backends. */
export interface RedisConnectionOptions {
  /**
   * `redis://` or `rediss://` URLs; several are shards, picked by channels_redis's
   * CRC32 hash, so list them in the same order as every peer does.
   */
  hosts: readonly string[];
}

/** Options of `channels_redis.core.RedisChannelLayer`'s counterpart. */
export interface RedisChannelLayerOptions
  extends CommonChannelLayerOptions, RedisConnectionOptions {
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
export interface RedisPubSubChannelLayerOptions
  extends Pick<CommonChannelLayerOptions, 'prefix'>, RedisConnectionOptions {
  backend: 'redis-pubsub';
}

/** Options of `ChannelLayerModule`, one shape per backend. */
export type ChannelLayerOptions =
  | MemoryChannelLayerOptions
  | RedisChannelLayerOptions
  | RedisPubSubChannelLayerOptions;

/** The backend names `ChannelLayerModule` accepts. */
export type ChannelLayerBackend = ChannelLayerOptions['backend'];
