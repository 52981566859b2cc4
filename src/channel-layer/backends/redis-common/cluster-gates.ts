import type { Logger } from '@nestjs/common';
import type { Cluster } from 'ioredis';
import { nodeByKey } from './cluster-slots';
import { CommandGate, cutConnections } from './command-gate';
import type { RedisConnection } from './redis-connection';

/**
 * A `CommandGate` per master of a Redis Cluster client: each master's
 * commands get deadlines and bounds of their own, and a deadline that passes
 * on a hung master cuts that master's connection alone, so that the commands
 * in flight on the others go on.
 */
export class ClusterGates {
  /** By master (`host:port`, as the slot table names it). */
  private readonly gates = new Map<string, CommandGate>();

  constructor(
    private readonly connection: RedisConnection<Cluster>,
    private readonly logger: Logger,
  ) {}

  /** The gate of `master` (`host:port`). */
  of(master: string): CommandGate {
    let gate = this.gates.get(master);
    if (!gate) {
      const cluster = this.connection.client;
      gate = new CommandGate(this.connection, this.logger, {
        name: `${this.connection.name} (master ${master})`,
        cut: () => {
          // Not found: its connection is gone already, and its commands failed.
          const node = nodeByKey(cluster, master);
          if (node) {
            cutConnections(node);
          }
        },
      });
      this.gates.set(master, gate);
    }
    return gate;
  }

  /** Stops every gate (the connection is being closed). */
  stop(): void {
    this.gates.forEach((gate) => gate.stop());
  }
}
