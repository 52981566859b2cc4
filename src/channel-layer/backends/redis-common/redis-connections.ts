import type { Logger } from '@nestjs/common';
import { Cluster } from 'ioredis';
import type {
  ClusterRedisOptions,
  RedisConnectionOptions,
} from '../../interfaces/channel-layer-options.interface';
import {
  createRedisClient,
  watchReadiness,
  type RedisClient,
} from './redis-client';
import { shardEndpoints } from './redis-endpoints';

/** How often a Cluster client rereads the slot table, in milliseconds. */
const SLOTS_REFRESH_MS = 1_000;

/** How many hash slots a Redis Cluster has. */
const SLOTS = 16_384;

/** Longest pause between attempts to reach a Cluster again, in milliseconds. */
const MAX_CLUSTER_RETRY_MS = 2_000;

/** What a layer asks of its connections, in every mode. */
export interface ConnectionSettings {
  /** Batch concurrent commands into one write per event-loop turn. */
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
  settings: ConnectionSettings = {},
): RedisClient[] {
  if (options.mode === 'cluster') {
    return [createClusterClient(options, `${name}:0`, logger, settings)];
  }
  return shardEndpoints(options).map((endpoint, index) =>
    createRedisClient(endpoint, `${name}:${index}`, logger, {
      enableAutoPipelining: settings.autoPipelining,
      commandTimeout: settings.commandTimeout,
    }),
  );
}

/** How many shards `options` makes: one for a whole Cluster. */
export function shardCount(options: RedisConnectionOptions): number {
  return options.mode === 'cluster' ? 1 : shardEndpoints(options).length;
}

/**
 * A Cluster client that fails fast as a single connection does: no offline
 * queue, no re-sending after a reconnect, retries of a command only while
 * the cluster moves slots or promotes a replica (bounded by ioredis's
 * redirection limit), endless reconnection with capped backoff.
 */
export function createClusterClient(
  options: ClusterRedisOptions,
  name: string,
  logger: Logger,
  settings: ConnectionSettings = {},
): Cluster {
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
        Math.min(50 * 2 ** Math.min(attempt, 6), MAX_CLUSTER_RETRY_MS),
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
  watchReadiness(cluster, `redis-cluster://${first?.host ?? ''}`, name, logger);
  return cluster;
}

/**
 * The masters of `client` when it is a Cluster, else the client itself: one
 * connection per master that serves slots, as the client's slot table names
 * them. A slot range whose master this client cannot reach (it was killed
 * and no replica has taken over yet) throws, so a probe of every master
 * fails while part of the keyspace is out of reach.
 */
export function mastersOf(client: RedisClient): RedisClient[] {
  if (!(client instanceof Cluster)) {
    return [client];
  }
  // Whatever its state: a node the client has not used yet connects on
  // the first command; a dead one fails it.
  const connected = new Map(
    client
      .nodes('master')
      .map((node) => [`${node.options.host}:${node.options.port}`, node]),
  );
  const owners = new Set<string>();
  for (let slot = 0; slot < SLOTS; slot++) {
    owners.add(client.slots[slot]?.[0] ?? 'none');
  }
  return [...owners].map((owner) => {
    const node = connected.get(owner);
    if (!node) {
      throw new Error(`no connection to the master of some slots (${owner})`);
    }
    return node;
  });
}

/**
 * Calls `listener` each time a reread of the Cluster's slot table finds
 * other masters serving some slots: a replica promoted, a slot moved. The
 * replication is asynchronous, so a promoted replica may lack the last
 * writes its master acknowledged.
 */
export function onSlotOwnersChange(
  cluster: Cluster,
  listener: () => void,
): void {
  let owners = slotOwners(cluster);
  cluster.on('refresh', () => {
    const now = slotOwners(cluster);
    if (now !== owners) {
      owners = now;
      // Before the first `ready`, the connection's own restoration follows.
      if (cluster.status === 'ready') {
        listener();
      }
    }
  });
}

/** The Cluster's slot ranges and their masters, as the client knows them, in one string. */
function slotOwners(cluster: Cluster): string {
  const ranges: string[] = [];
  let previous: string | undefined;
  for (let slot = 0; slot < SLOTS; slot++) {
    const owner = cluster.slots[slot]?.[0] ?? 'none';
    if (owner !== previous) {
      ranges.push(`${slot}:${owner}`);
      previous = owner;
    }
  }
  return ranges.join(',');
}

/**
 * Closes `client` gracefully when Redis answers, then releases what QUIT
 * leaves open: a sentinel client's connections to the sentinels.
 */
export async function closeClient(client: RedisClient): Promise<void> {
  await client.quit().catch(() => undefined);
  client.disconnect();
}
