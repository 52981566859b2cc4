import type { Logger } from '@nestjs/common';
import type { Cluster } from 'ioredis';
import type { ClusterRedisOptions } from '../../interfaces/channel-layer-options.interface';
import { mastersOf } from '../redis-common/cluster-slots';
import type { RedisConnection } from '../redis-common/redis-connection';
import {
  COMMAND_TIMEOUT_MS,
  createClusterConnection,
} from '../redis-common/redis-connections';
import type { PubSubServer } from './pubsub-server';

/**
 * The pub/sub layer on a Redis Cluster: sharded pub/sub (Redis 7), so a
 * message travels only to the node that owns its name's slot and its
 * replicas, not across the whole cluster as PUBLISH does. ioredis keeps one
 * subscriber connection per master, SSUBSCRIBEs each name on its slot's
 * node, and subscribes again where a slot moves or a replica takes over.
 */
export class ShardedPubSub implements PubSubServer {
  private readonly connection: RedisConnection<Cluster>;
  private readonly subscribed = new Set<string>();
  /** Subscription changes in flight: a publish from this process waits for them. */
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    options: ClusterRedisOptions,
    private readonly logger: Logger,
    onMessage: (name: string, data: Buffer) => void,
  ) {
    this.connection = createClusterConnection(
      options,
      'channels-pubsub',
      logger,
      {
        backend: 'redis-pubsub',
        commandTimeout: COMMAND_TIMEOUT_MS,
        shardedSubscribers: true,
      },
    );
    this.connection.client.on('smessageBuffer', (name: Buffer, data: Buffer) =>
      onMessage(name.toString(), data),
    );
  }

  has(name: string): boolean {
    return this.subscribed.has(name);
  }

  async subscribe(name: string): Promise<void> {
    if (this.subscribed.has(name)) {
      return;
    }
    this.subscribed.add(name);
    try {
      await this.track(
        this.connection.run((cluster) => cluster.ssubscribe(name)),
      );
    } catch (error) {
      this.subscribed.delete(name);
      throw error;
    }
  }

  async unsubscribe(name: string): Promise<void> {
    if (!this.subscribed.delete(name)) {
      return;
    }
    await this.track(
      this.connection.run((cluster) => cluster.sunsubscribe(name)),
    ).catch((error: unknown) =>
      this.logger.debug?.(`sunsubscribe ${name}: ${String(error)}`),
    );
  }

  async publish(name: string, payload: Buffer): Promise<number> {
    if (this.pending.size > 0) {
      await Promise.all(this.pending);
    }
    return (await this.connection.run((cluster) =>
      cluster.spublish(name, payload),
    )) as number;
  }

  /** Answers once every master that serves slots answers. */
  async ping(): Promise<void> {
    await this.connection.run((cluster) =>
      Promise.all(mastersOf(cluster).map((node) => node.ping())),
    );
  }

  async close(): Promise<void> {
    await this.connection.quit();
  }

  /** Keeps `operation` in the pending set until it settles. */
  private async track<T>(operation: Promise<T>): Promise<T> {
    const settled = operation.catch(() => undefined);
    this.pending.add(settled);
    try {
      return await operation;
    } finally {
      this.pending.delete(settled);
    }
  }
}
