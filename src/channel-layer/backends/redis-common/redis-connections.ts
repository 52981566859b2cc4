import type { Logger } from '@nestjs/common';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type {
  ClusterRedisOptions,
  RedisConnectionOptions,
} from '../../interfaces/channel-layer-options.interface';
import { connectMastersEarly } from './cluster-slots';
import { RedisConnection } from './redis-connection';
import { shardEndpoints, type RedisEndpoint } from './redis-endpoints';

/**
 * How long a command waits for its reply before it fails, in milliseconds:
 * a Redis that stops answering on a connection that stays open (a network
 * partition, a hung failover) must not leave a send waiting for TCP to give
 * up minutes later. Not for blocking reads, whose wait is their purpose.
 */
export const COMMAND_TIMEOUT_MS = 5_000;

/** How often a Cluster client rereads the slot table, in milliseconds. */
const SLOTS_REFRESH_MS = 1_000;

/** Longest pause between reconnection attempts, in milliseconds. */
const MAX_RECONNECT_DELAY_MS = 2_000;

/** What a layer asks of its connections, in every mode. */
export interface ConnectionSettings {
  /** The backend named in the connections' `ChannelLayerUnavailableError`s. */
  backend: 'redis' | 'redis-pubsub';
  /**
   * Batch concurrent commands into one write per event-loop turn. Worth it
   * where one operation sends many commands at once (the core layer's group
   * send on a Cluster: one per destination key); not where it sends one
   * (a pub/sub publish), as ioredis builds a Pipeline per turn even for a
   * single command: measured with `npm run bench`, redis-pubsub ×2 took
   * about 20 % more CPU per delivery at the fixed S1 load with it, and its
   * S1 saturation fell by 40 %.
   * @default false
   */
  autoPipelining?: boolean;
  /** Milliseconds a command waits for its reply; none for blocking reads. */
  commandTimeout?: number;
  /** Cluster only: one subscriber per master, for SSUBSCRIBE. */
  shardedSubscribers?: boolean;
}

/**
 * One fresh connection per shard, whatever the mode: a client per URL
 * (standalone), per master name (sentinel: ioredis asks the sentinels for the
 * current master and follows failovers), or one Cluster client (which routes
 * each command to the node owning its key and follows slot moves). Each is
 * named `<name>` with the shard index, as `CLIENT LIST` shows it.
 */
export function createConnections(
  options: RedisConnectionOptions,
  name: string,
  logger: Logger,
  settings: ConnectionSettings,
): RedisConnection[] {
  if (options.mode === 'cluster') {
    return [createClusterConnection(options, `${name}:0`, logger, settings)];
  }
  return shardEndpoints(options).map((endpoint, index) =>
    createRedisConnection(endpoint, `${name}:${index}`, logger, settings),
  );
}

/** How many shards `options` makes: one for a whole Cluster. */
export function shardCount(options: RedisConnectionOptions): number {
  return options.mode === 'cluster' ? 1 : shardEndpoints(options).length;
}

/**
 * A connection to one Redis for the channel layer that fails fast while
 * Redis is away: no offline queue (a send errors at once instead of piling
 * up in memory), no re-sending of unanswered commands after a reconnect (a
 * message is never written twice), and endless reconnection with capped
 * backoff.
 * @param extra further ioredis options (a subscriber's `autoResubscribe`).
 */
export function createRedisConnection(
  endpoint: RedisEndpoint,
  name: string,
  logger: Logger,
  settings: ConnectionSettings,
  extra: RedisOptions = {},
): RedisConnection<Redis> {
  const client: RedisOptions = {
    ...extra,
    connectionName: name,
    protocol: 2,
    enableOfflineQueue: false,
    enableAutoPipelining: settings.autoPipelining,
    commandTimeout: settings.commandTimeout,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) =>
      Math.min(50 * 2 ** Math.min(attempt, 6), MAX_RECONNECT_DELAY_MS),
  };
  return new RedisConnection(
    typeof endpoint === 'string'
      ? new Redis(endpoint, client)
      : new Redis({ ...endpoint.options, ...client }),
    typeof endpoint === 'string' ? endpoint : endpoint.label,
    name,
    settings.backend,
    logger,
  );
}

/**
 * A Cluster client that fails fast as a single connection does: no offline
 * queue, no re-sending after a reconnect, retries of a command only while
 * the cluster moves slots or promotes a replica (bounded by ioredis's
 * redirection limit), endless reconnection with capped backoff.
 */
export function createClusterConnection(
  options: ClusterRedisOptions,
  name: string,
  logger: Logger,
  settings: ConnectionSettings,
): RedisConnection<Cluster> {
  const seeds = options.hosts.map((url) => new URL(url));
  const first = seeds[0];
  const cluster = new Cluster(
    seeds.map((url) => ({
      host: url.hostname,
      port: Number(url.port || 6379),
    })),
    {
      enableOfflineQueue: false,
      enableAutoPipelining: settings.autoPipelining ?? false,
      shardedSubscribers: settings.shardedSubscribers ?? false,
      // Without it ioredis rereads the slot table only on MOVED, which a
      // killed master never sends: commands for its slots would keep trying
      // the dead node after a replica took over.
      slotsRefreshInterval: SLOTS_REFRESH_MS,
      clusterRetryStrategy: (attempt) =>
        Math.min(50 * 2 ** Math.min(attempt, 6), MAX_RECONNECT_DELAY_MS),
      redisOptions: {
        connectionName: name,
        protocol: 2,
        username: first?.username
          ? decodeURIComponent(first.username)
          : undefined,
        password:
          options.password ??
          (first?.password ? decodeURIComponent(first.password) : undefined),
        tls: first?.protocol === 'rediss:' ? {} : undefined,
        autoResendUnfulfilledCommands: false,
        maxRetriesPerRequest: 0,
        commandTimeout: settings.commandTimeout,
      },
    },
  );
  connectMastersEarly(cluster);
  return new RedisConnection(
    cluster,
    `redis-cluster://${first?.host ?? ''}`,
    name,
    settings.backend,
    logger,
  );
}
