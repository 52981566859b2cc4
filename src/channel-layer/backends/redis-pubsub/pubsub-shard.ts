import type { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { CommandGate } from '../redis-common/command-gate';
import { inTime } from '../redis-common/deadline-script';
import { definePublishScript } from './publish-script';
import type { RedisConnection } from '../redis-common/redis-connection';
import {
  COMMAND_TIMEOUT_MS,
  createRedisConnection,
} from '../redis-common/redis-connections';
import type { RedisEndpoint } from '../redis-common/redis-endpoints';
import { DEFAULT_WAITING_LIMITS } from '../redis-common/turn-batches';
import { PublishQueue, type Publish } from './publish-queue';
import type { PubSubServer } from './pubsub-server';

/**
 * Publishes per script run at most: a script holds Redis alone while it
 * runs, and each PUBLISH there writes to every subscriber's buffer.
 */
const PUBLISH_BATCH_LIMITS = {
  maxCalls: 64,
  maxBytes: 1024 * 1024,
  ...DEFAULT_WAITING_LIMITS,
};

/**
 * One Redis server of the pub/sub layer: a connection that publishes, and
 * one that holds this process's subscriptions on that server and hands each
 * pushed message to `onMessage`. It knows which pub/sub channels it should
 * be subscribed to and subscribes to all of them again whenever the
 * subscriber connection is (re)established.
 */
export class PubSubShard implements PubSubServer {
  private readonly publisher: RedisConnection<Redis>;
  private readonly subscriber: RedisConnection<Redis>;
  private readonly gate: CommandGate;
  /** Pub/sub channels this process is (or is becoming) subscribed to here. */
  private readonly subscribed = new Set<string>();
  /** SUBSCRIBEs in flight by name, so that a second caller waits for the same one. */
  private readonly subscribing = new Map<string, Promise<void>>();
  /** Publishes, a script run per batch of one event-loop turn's. */
  private readonly publishes: PublishQueue;
  /** The resubscription after the subscriber's last (re)connection. */
  private restoring?: Promise<void>;

  constructor(
    url: RedisEndpoint,
    index: number,
    private readonly logger: Logger,
    onMessage: (name: string, data: Buffer) => void,
  ) {
    this.publisher = createRedisConnection(
      url,
      `channels-pubsub:${index}`,
      logger,
      { backend: 'redis-pubsub' },
    );
    definePublishScript(this.publisher.client);
    this.gate = new CommandGate(this.publisher, logger);
    this.publishes = new PublishQueue(
      (batch, bytes, issuedAt) => this.publishBatch(batch, bytes, issuedAt),
      PUBLISH_BATCH_LIMITS,
      (cause) => this.publisher.unavailable(cause),
    );
    this.subscriber = createRedisConnection(
      url,
      `channels-pubsub:${index}:subscriber`,
      logger,
      { backend: 'redis-pubsub', commandTimeout: COMMAND_TIMEOUT_MS },
      { autoResubscribe: false },
    );
    const { client } = this.subscriber;
    client.on('messageBuffer', (name: Buffer, data: Buffer) =>
      onMessage(name.toString(), data),
    );
    client.on('ready', () => {
      const restoring = this.resubscribe();
      restoring.catch(() => undefined);
      this.restoring = restoring;
    });
  }

  /** Whether `name` is subscribed, or its SUBSCRIBE is on its way. */
  has(name: string): boolean {
    return this.subscribed.has(name);
  }

  /** Resolves once `name` is subscribed; rejects, forgetting it, if Redis is away. */
  subscribe(name: string): Promise<void> {
    if (this.subscribed.has(name)) {
      return this.subscribing.get(name) ?? Promise.resolve();
    }
    this.subscribed.add(name);
    const subscribing: Promise<void> = this.publishes
      .track(this.subscriber.run((client) => client.subscribe(name)))
      .then(
        () => {
          this.done(name, subscribing);
        },
        (error: unknown) => {
          if (this.done(name, subscribing)) {
            this.subscribed.delete(name);
          }
          throw error;
        },
      );
    this.subscribing.set(name, subscribing);
    return subscribing;
  }

  /** Stops receiving `name`; never fails (a lost connection dropped it anyway). */
  async unsubscribe(name: string): Promise<void> {
    if (!this.subscribed.delete(name)) {
      return;
    }
    this.subscribing.delete(name);
    await this.publishes
      .track(this.subscriber.run((client) => client.unsubscribe(name)))
      .catch((error: unknown) => {
        this.logger.debug?.(`unsubscribe ${name}: ${String(error)}`);
      });
  }

  /**
   * Publishes `payload` to `name`, in call order, after this process's
   * subscription changes in flight here: a name's subscription and its
   * publishes share its shard, so a receive or groupAdd followed by a send is
   * never outrun.
   */
  publish(name: string, payload: Buffer): Promise<number> {
    return this.publishes.publish(name, payload);
  }

  /** Resolves when both connections answer and the subscriptions are back after a reconnection. */
  async ping(): Promise<void> {
    await this.gate.run((client) => client.ping());
    await this.subscriber.run(() => Promise.resolve());
    try {
      await this.restoring;
    } catch {
      this.restoring = this.resubscribe();
      await this.restoring;
    }
  }

  async close(): Promise<void> {
    this.gate.stop();
    await Promise.all([this.publisher.quit(), this.subscriber.quit()]);
  }

  /** Whether `subscribing` is still the SUBSCRIBE in flight for `name`; forgets it. */
  private done(name: string, subscribing: Promise<void>): boolean {
    if (this.subscribing.get(name) !== subscribing) {
      return false;
    }
    this.subscribing.delete(name);
    return true;
  }

  private async publishBatch(
    batch: Publish[],
    bytes: number,
    issuedAt: number,
  ): Promise<number[]> {
    const reply = inTime(
      await this.gate.run(
        (client, deadline) => client.channelsPublish(deadline, ...batch.flat()),
        bytes,
        batch.length,
        issuedAt,
      ),
      'redis-pubsub',
    );
    // A single publish's reply is PUBLISH's own (PUBLISH_LUA).
    return typeof reply === 'number' ? [reply] : reply;
  }

  /** Subscribes again to everything: a reconnected subscriber has nothing. */
  private async resubscribe(): Promise<void> {
    const names = [...this.subscribed];
    if (names.length === 0) {
      return;
    }
    try {
      await this.subscriber.client.subscribe(...names);
    } catch (error) {
      this.logger.warn(
        `could not restore ${names.length} subscriptions: ${String(error)}`,
      );
      throw this.subscriber.unavailable(error);
    }
  }
}
