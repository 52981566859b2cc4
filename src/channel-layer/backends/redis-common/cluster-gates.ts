import type { Logger } from '@nestjs/common';
import type { Cluster } from 'ioredis';
import { nodeByKey, slotMasters } from './cluster-slots';
import { CommandGate, cutConnections } from './command-gate';
import type { RedisConnection } from './redis-connection';

/** The `ClusterGates` of each Cluster client (the layers' and room history's). */
const gatesOf = new WeakMap<Cluster, Set<ClusterGates>>();

/**
 * Cuts the connection of `cluster` to the node `key` (`host:port`) through
 * the gates that watch it, as their own deadline would: a command a
 * redirection sent there got no reply in time.
 */
export function cutHungNode(cluster: Cluster, key: string): void {
  const gates = [...(gatesOf.get(cluster) ?? [])]
    .map((owner) => owner.gateOf(key))
    .filter((gate) => gate !== undefined);
  if (gates.length > 0) {
    gates.forEach((gate) => gate.cutNow());
    return;
  }
  const node = nodeByKey(cluster, key);
  if (node) {
    cutConnections(node);
  }
}

/**
 * A `CommandGate` per master of a Redis Cluster client: each master's
 * commands get deadlines and bounds of their own, and a deadline that passes
 * on a hung master cuts that master's connection alone, so that the commands
 * in flight on the others go on.
 */
export class ClusterGates {
  /** By master (`host:port`, as the slot table names it; '' for none known). */
  private readonly gates = new Map<string, CommandGate>();

  constructor(
    private readonly connection: RedisConnection<Cluster>,
    private readonly logger: Logger,
  ) {
    connection.client.on('refresh', () => this.prune());
    const owners = gatesOf.get(connection.client) ?? new Set();
    owners.add(this);
    gatesOf.set(connection.client, owners);
  }

  /** The gate of `master` (`host:port`), if there is one. */
  gateOf(master: string): CommandGate | undefined {
    return this.gates.get(master);
  }

  /** The gate of `master` (`host:port`; '' when the slot's master is unknown: its deadline cuts nothing). */
  of(master: string): CommandGate {
    let gate = this.gates.get(master);
    if (!gate) {
      gate = new CommandGate(this.connection, this.logger, {
        name: `${this.connection.name} (master ${master || 'unknown'})`,
        cut: () => this.cut(master),
      });
      this.gates.set(master, gate);
    }
    return gate;
  }

  /**
   * Forgets the gates of masters the slot table no longer names (failed
   * over, removed, or given a new address) once nothing is in flight on
   * them: a process that lives through many such changes keeps only the
   * gates it uses.
   */
  private prune(): void {
    const masters = slotMasters(this.connection.client);
    this.gates.forEach((gate, master) => {
      if (master && !masters.has(master) && gate.idle) {
        gate.stop();
        this.gates.delete(master);
      }
    });
  }

  /** Stops every gate (the connection is being closed). */
  stop(): void {
    gatesOf.get(this.connection.client)?.delete(this);
    this.gates.forEach((gate) => gate.stop());
  }

  /** Closes the connection to `master` at once (see `cutConnections`). */
  private cut(master: string): void {
    const node = master ? nodeByKey(this.connection.client, master) : undefined;
    if (node) {
      cutConnections(node);
    }
    // Not found: its connection is gone already, and its commands failed.
  }
}
