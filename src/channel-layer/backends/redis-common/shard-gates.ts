import type { Logger } from '@nestjs/common';
import calculateSlot from 'cluster-key-slot';
import { Cluster, type Redis } from 'ioredis';
import { ClusterGates } from './cluster-gates';
import { masterOfSlot, mastersOf, nodeKey } from './cluster-slots';
import { CommandGate } from './command-gate';
import type { RedisClient, RedisConnection } from './redis-connection';

/**
 * The `CommandGate`s of a set of shard connections: one per shard, and on a
 * Cluster (one shard) one per master, chosen by the slot of the key a
 * command touches, so that a hung master holds and cuts only its own
 * commands.
 */
export class ShardGates {
  /** One per shard; none on a Cluster, whose gates are per master. */
  private readonly gates: CommandGate[] = [];
  private readonly masters?: ClusterGates;

  constructor(
    private readonly connections: readonly RedisConnection[],
    logger: Logger,
  ) {
    const [first] = connections;
    if (first.client instanceof Cluster) {
      this.masters = new ClusterGates(
        first as RedisConnection<Cluster>,
        logger,
      );
    } else {
      this.gates = connections.map(
        (connection) => new CommandGate(connection, logger),
      );
    }
  }

  /**
   * The gate for a command on shard `index` that touches `key` (all its keys
   * in one slot); on a Cluster, for a key whose slot has no known master,
   * one whose deadline cuts no master.
   */
  of(index: number, key?: string): CommandGate {
    if (!this.masters) {
      return this.gates[index];
    }
    const cluster = this.connections[index].client as Cluster;
    const master =
      key === undefined ? undefined : masterOfSlot(cluster, calculateSlot(key));
    return this.masters.of(master ?? '');
  }

  /**
   * Runs `call` on every shard at once, each through its gate; on a Cluster
   * on every master (each a connection of its own), through that master's.
   */
  async onEach<T>(call: (client: RedisClient) => Promise<T>): Promise<T[]> {
    const { masters } = this;
    if (masters) {
      const [shard] = this.connections;
      const nodes = await shard.run(async (cluster) => mastersOf(cluster));
      return Promise.all(
        nodes.map((node) =>
          masters.of(nodeKey(node as Redis)).run(() => call(node)),
        ),
      );
    }
    return Promise.all(this.gates.map((gate) => gate.run(call)));
  }

  /** Stops every gate (the connections are being closed). */
  stop(): void {
    this.gates.forEach((gate) => gate.stop());
    this.masters?.stop();
  }
}
