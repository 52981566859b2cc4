import type { Logger } from '@nestjs/common';
import type { ChainableCommander, Redis } from 'ioredis';
import { CommandGate } from './command-gate';
import { createRedisClient } from './redis-client';
import { defineChannelScripts } from './redis-scripts';
import { shardIndex } from './shards';

/**
 * The command connections of a `RedisChannelLayer`, one per shard, with the
 * layer's scripts defined. Auto-pipelining batches the many small commands of
 * concurrent sends into one write per event-loop turn.
 */
export class RedisShards {
  private readonly clients: Redis[];
  private readonly gates: CommandGate[];
  private sendIndex = 0;

  /**
   * @param hosts one Redis URL per shard, in the order every peer lists them.
   * @param onReady called with a shard's index each time its connection is
   *   (re)established: a restarted Redis has lost what it held.
   */
  constructor(
    hosts: readonly string[],
    logger: Logger,
    onReady: (index: number) => void,
  ) {
    this.clients = hosts.map((url, index) => {
      const client = createRedisClient(url, `channels:${index}`, logger, {
        enableAutoPipelining: true,
      });
      defineChannelScripts(client);
      client.on('ready', () => onReady(index));
      return client;
    });
    this.gates = this.clients.map(
      (client, index) => new CommandGate(client, 'redis', hosts[index], logger),
    );
  }

  /** How many shards there are. */
  get count(): number {
    return this.clients.length;
  }

  /** The shard that holds `name`, as channels_redis picks it. */
  shardOf(name: string): number {
    return shardIndex(name, this.clients.length);
  }

  /** The next shard in round-robin order, for a named channel's sends. */
  nextSendIndex(): number {
    this.sendIndex = (this.sendIndex + 1) % this.clients.length;
    return this.sendIndex;
  }

  /**
   * Runs a call on shard `index` through its `CommandGate`: connection
   * failures, a full gate and a missed deadline reject with
   * `ChannelLayerUnavailableError`.
   * @param call gets the connection and the deadline for scripts.
   * @param bytes the payload's size.
   */
  run<T>(
    index: number,
    call: (client: Redis, deadline: number) => Promise<T>,
    bytes?: number,
  ): Promise<T> {
    return this.gates[index].run(call, bytes);
  }

  /** Runs a call on every shard at once, as `run` does on one. */
  async runOnEach<T>(call: (client: Redis) => Promise<T>): Promise<T[]> {
    return Promise.all(this.clients.map((_, index) => this.run(index, call)));
  }

  /**
   * A pipeline on shard `index`'s connection, without waiting for it to be
   * ready: for work done when it has just become ready.
   */
  pipeline(index: number): ChainableCommander {
    return this.clients[index].pipeline();
  }

  /** Closes every connection, gracefully when Redis answers. */
  async quit(): Promise<void> {
    this.gates.forEach((gate) => gate.stop());
    await Promise.all(
      this.clients.map((client) =>
        client.quit().catch(() => client.disconnect()),
      ),
    );
  }
}
