import type { Logger } from '@nestjs/common';
import { Cluster } from 'ioredis';
import type { RedisConnectionOptions } from '../../interfaces/channel-layer-options.interface';
import { onSlotOwnersChange } from '../redis-common/cluster-slots';
import type { SentAway } from '../redis-common/command-gate';
import { ShardGates } from '../redis-common/shard-gates';
import { inSlotOrder } from '../redis-common/slot-order';
import type {
  RedisClient,
  RedisConnection,
} from '../redis-common/redis-connection';
import { createConnections } from '../redis-common/redis-connections';
import { defineChannelScripts } from './redis-scripts';
import { shardIndex } from '../redis-common/shards';

/**
 * The command connections of a `RedisChannelLayer`, one per shard, with the
 * layer's scripts defined. Auto-pipelining batches the many small commands of
 * concurrent sends into one write per event-loop turn.
 */
export class RedisShards {
  private readonly connections: RedisConnection[];
  private readonly gates: ShardGates;
  private sendIndex = 0;

  /**
   * @param connection where the shards are (a Cluster is one shard).
   * @param onReady called with a shard's index each time its connection is
   *   (re)established, and on a Cluster each time other masters took over
   *   slots: a restarted Redis has lost what it held, a promoted replica
   *   may have missed its master's last writes.
   */
  constructor(
    connection: RedisConnectionOptions,
    logger: Logger,
    onReady: (index: number) => void,
  ) {
    this.connections = createConnections(connection, 'channels', logger, {
      backend: 'redis',
      autoPipelining: true,
    });
    this.connections.forEach(({ client }, index) => {
      defineChannelScripts(client);
      client.on('ready', () => onReady(index));
      if (client instanceof Cluster) {
        onSlotOwnersChange(client, () => onReady(index));
      }
    });
    this.gates = new ShardGates(this.connections, logger);
  }

  /** Whether the one shard is a Redis Cluster, where no command may touch keys of two slots. */
  get cluster(): boolean {
    return this.connections[0].client instanceof Cluster;
  }

  /** How many shards there are. */
  get count(): number {
    return this.connections.length;
  }

  /** The shard that holds `name`, as channels_redis picks it. */
  shardOf(name: string): number {
    return shardIndex(name, this.connections.length);
  }

  /** The next shard in round-robin order, for a named channel's sends. */
  nextSendIndex(): number {
    this.sendIndex = (this.sendIndex + 1) % this.connections.length;
    return this.sendIndex;
  }

  /**
   * Runs a call on shard `index` through its `CommandGate` (on a Cluster, the
   * gate of the master that owns `key`'s slot): connection failures, a full
   * gate and a missed deadline reject with `ChannelLayerUnavailableError`.
   * On a Cluster, a key's commands keep their call order across a move of
   * its slot (`SlotOrder`).
   * @param call gets the connection, the deadline for scripts, and what
   * tells the gate a redirection sent the command to another node.
   * @param bytes the payload's size.
   * @param count the messages it carries.
   * @param key the key it touches (all its keys share one slot).
   * @param issuedAt when it was issued, before waiting for its batch (by default now).
   */
  run<T>(
    index: number,
    call: (client: RedisClient, deadline: number, away: SentAway) => Promise<T>,
    bytes?: number,
    count?: number,
    key?: string,
    issuedAt = Date.now(),
  ): Promise<T> {
    return inSlotOrder(this.connections[index], key, bytes ?? 0, issuedAt, () =>
      this.gates.of(index, key).run(call, bytes, count, issuedAt),
    );
  }

  /**
   * Runs a call on every shard at once, as `run` does on one; on a Cluster,
   * on every master (each a connection of its own, with the scripts
   * defined), each through its own gate.
   */
  runOnEach<T>(call: (client: RedisClient) => Promise<T>): Promise<T[]> {
    return this.gates.onEach((client) => {
      defineChannelScripts(client);
      return call(client);
    });
  }

  /**
   * Shard `index`'s client, without waiting for it to be ready: for work
   * done when it has just become ready.
   */
  client(index: number): RedisClient {
    return this.connections[index].client;
  }

  /** Closes every connection, gracefully when Redis answers. */
  async quit(): Promise<void> {
    this.gates.stop();
    await Promise.all(this.connections.map((shard) => shard.quit()));
  }
}
