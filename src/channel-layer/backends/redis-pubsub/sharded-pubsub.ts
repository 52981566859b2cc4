import type { Logger } from '@nestjs/common';
import calculateSlot from 'cluster-key-slot';
import type { Cluster } from 'ioredis';
import type { ClusterRedisOptions } from '../../interfaces/channel-layer-options.interface';
import { mastersOf, slotMaster } from '../redis-common/cluster-slots';
import { ClusterGates } from '../redis-common/cluster-gates';
import { inTime } from '../redis-common/deadline-script';
import type { RedisConnection } from '../redis-common/redis-connection';
import {
  COMMAND_TIMEOUT_MS,
  createClusterConnection,
} from '../redis-common/redis-connections';
import { inSlotOrder, slotOrderOf } from '../redis-common/slot-order';
import { DEFAULT_WAITING_LIMITS } from '../redis-common/turn-batches';
import { PublishQueue } from './publish-queue';
import { shardPublish } from './publish-script';
import type { PubSubServer } from './pubsub-server';

/** One publish per script run: a script may touch one slot only. */
const PUBLISH_LIMITS = {
  maxCalls: 1,
  maxBytes: Infinity,
  ...DEFAULT_WAITING_LIMITS,
};

/** What Redis answers a script that publishes to a shard channel its node does not serve. */
const NOT_LOCAL = 'non local key';

/** A publish refused by a master that no longer serves its slot (`NOT_LOCAL`). */
const SLOT_MOVED = Symbol('slot moved');

/**
 * The pub/sub layer on a Redis Cluster: sharded pub/sub (Redis 7), so a
 * message travels only to the node that owns its name's slot and its
 * replicas, not across the whole cluster as PUBLISH does. ioredis keeps one
 * subscriber connection per master, SSUBSCRIBEs each name on its slot's
 * node, and subscribes again where a slot moves or a replica takes over.
 * A publish is a deadline script run on its slot's master through that
 * master's own `CommandGate`, with the bounds and deadline of a standalone
 * server: a master that hangs fails its own publishes and has only its own
 * connection cut, and a publish it runs after its sender was told
 * "unavailable" does nothing.
 */
export class ShardedPubSub implements PubSubServer {
  private readonly connection: RedisConnection<Cluster>;
  private readonly gates: ClusterGates;
  private readonly subscribed = new Set<string>();
  /** Publishes, one script run each. */
  private readonly publishes: PublishQueue;

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
    this.gates = new ClusterGates(this.connection, logger);
    this.connection.client.on('smessageBuffer', (name: Buffer, data: Buffer) =>
      onMessage(name.toString(), data),
    );
    this.publishes = new PublishQueue(
      ([[name, payload]], _, issuedAt) =>
        this.publishNow(name, payload, issuedAt).then((n) => [n]),
      PUBLISH_LIMITS,
      (cause) => this.connection.unavailable(cause),
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
      await this.publishes.track(
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
    await this.publishes
      .track(this.connection.run((cluster) => cluster.sunsubscribe(name)))
      .catch((error: unknown) =>
        this.logger.debug?.(`sunsubscribe ${name}: ${String(error)}`),
      );
  }

  publish(name: string, payload: Buffer): Promise<number> {
    return this.publishes.publish(name, payload);
  }

  /** Answers once every master that serves slots answers. */
  async ping(): Promise<void> {
    await this.connection.run((cluster) =>
      Promise.all(mastersOf(cluster).map((node) => node.ping())),
    );
  }

  async close(): Promise<void> {
    this.gates.stop();
    await this.connection.quit();
  }

  /**
   * Publishes on the master of `name`'s slot, in call order with the
   * slot's other publishes across a move of the slot (`SlotOrder`).
   */
  private async publishNow(
    name: string,
    payload: Buffer,
    issuedAt: number,
  ): Promise<number> {
    const slot = calculateSlot(name);
    // A new client learns the slot table as it connects: its first
    // publishes wait for that, within their 5 s (counted from `issuedAt`).
    const cluster = await this.connection.run(async (client) => client);
    return inSlotOrder(this.connection, name, payload.length, issuedAt, () =>
      this.publishOn(cluster, slot, name, payload, issuedAt),
    );
  }

  /**
   * Publishes on the slot's master. A slot that moved is answered with no
   * `MOVED` to a script (which then published nothing), so when the master
   * refuses it, the slot table is read again and the publish goes once
   * more, to the slot's new master, within its 5 s; the slot's next
   * publishes wait for it.
   */
  private async publishOn(
    cluster: Cluster,
    slot: number,
    name: string,
    payload: Buffer,
    issuedAt: number,
    moved = false,
  ): Promise<number> {
    const master = slotMaster(cluster, slot);
    if (!master) {
      throw this.connection.unavailable(
        `no connection to the master of slot ${slot}`,
      );
    }
    const receivers = await this.gates.of(master.key).run(
      (_, deadline, away) =>
        shardPublish(cluster, master.node, name, deadline, payload, away).catch(
          (error: unknown): typeof SLOT_MOVED => {
            if (!moved && String(error).includes(NOT_LOCAL)) {
              slotOrderOf(cluster).moved(slot);
              return SLOT_MOVED;
            }
            throw error;
          },
        ),
      payload.length,
      1,
      issuedAt,
    );
    if (receivers === SLOT_MOVED) {
      await new Promise<void>((resolve) =>
        cluster.refreshSlotsCache(() => resolve()),
      );
      return this.publishOn(cluster, slot, name, payload, issuedAt, true);
    }
    return inTime(receivers, 'redis-pubsub');
  }
}
