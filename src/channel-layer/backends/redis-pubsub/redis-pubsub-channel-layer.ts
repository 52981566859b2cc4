import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ChannelLayer } from '../../channel-layer';
import { assertMessage } from '../../assert-message';
import {
  DEFAULT_CHANNEL_PREFIX,
  DEFAULT_EXPIRY_S,
  DEFAULT_PREFIX,
} from '../../channel-layer.constants';
import { assertChannelName, assertGroupName } from '../../channel-names';
import { ChannelLayerClosedError } from '../../errors';
import type {
  RedisConnectionOptions,
  RedisPubSubLayerSettings,
} from '../../interfaces/channel-layer-options.interface';
import type { ChannelMessage } from '../../interfaces/channel-message.interface';
import type { GroupSendResult } from '../../interfaces/group-send-result.interface';
import type {
  ListenOptions,
  MessageListener,
} from '../../interfaces/message-listener.interface';
import type { ReceiveOptions } from '../../interfaces/receive-options.interface';
import { LocalMailboxes } from '../../local-mailboxes';
import { PYTHON_MSGPACK } from '../redis/message-codec';
import { shardEndpoints } from '../redis/redis-endpoints';
import { shardIndex } from '../redis/shards';
import type { PubSubServer } from './pubsub-server';
import { PubSubShard } from './pubsub-shard';
import { ShardedPubSub } from './sharded-pubsub';

/** Messages kept per channel for a consumer that is behind; pub/sub keeps none in Redis. */
const LOCAL_BUFFER = 1_000;

/**
 * `channels_redis.pubsub.RedisPubSubChannelLayer` in TypeScript, with its
 * layout: a channel is a Redis pub/sub channel of its own name, a group is
 * the pub/sub channel `<prefix>__group__<group>`, payloads are plain msgpack,
 * and each name lives on the shard its CRC32 picks, so Django processes
 * share it. A group send is one PUBLISH whatever the room size; this process
 * is subscribed to a group while one of its channels is in it. Messages are
 * pushed to the subscriber connection and handed to local receivers.
 *
 * As with any pub/sub, Redis keeps nothing: a message to a channel that no
 * process is subscribed to is gone, and there is no capacity to refuse with.
 */
export class RedisPubSubChannelLayer implements ChannelLayer {
  private readonly logger = new Logger(RedisPubSubChannelLayer.name);
  private readonly prefix: string;
  private readonly processId = randomUUID().replaceAll('-', '');
  private readonly shards: PubSubServer[];
  private readonly local: LocalMailboxes;
  /** Group pub/sub channel → this process's channels in it. */
  private readonly groups = new Map<string, Set<string>>();
  private closed = false;

  constructor(
    options: RedisConnectionOptions & Omit<RedisPubSubLayerSettings, 'backend'>,
  ) {
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.local = new LocalMailboxes({
      capacityOf: () => LOCAL_BUFFER,
      expiryMs: DEFAULT_EXPIRY_S * 1000,
      keepsUnopened: false,
      onRelease: (channel) => this.forget(channel),
      logger: this.logger,
    });
    const onMessage = (name: string, data: Buffer): void =>
      this.dispatch(name, data);
    this.shards =
      options.mode === 'cluster'
        ? [new ShardedPubSub(options, this.logger, onMessage)]
        : shardEndpoints(options).map(
            (endpoint, index) =>
              new PubSubShard(endpoint, index, this.logger, onMessage),
          );
  }

  async newChannel(prefix = DEFAULT_CHANNEL_PREFIX): Promise<string> {
    this.assertOpen();
    const channel = `${prefix}.${this.processId}!${randomUUID().replaceAll('-', '')}`;
    assertChannelName(channel);
    // Nobody knows the name before it is returned, so nothing arrives for
    // it before it is open; and a failed subscription leaves nothing open.
    await this.subscribe(channel);
    this.local.open(channel);
    return channel;
  }

  async send(channel: string, message: ChannelMessage): Promise<void> {
    this.assertOpen();
    assertChannelName(channel);
    assertMessage(message);
    await this.publish(channel, message);
  }

  async receive(
    channel: string,
    options: ReceiveOptions = {},
  ): Promise<ChannelMessage> {
    const subscribing = this.openLocal(channel, options.signal);
    if (subscribing) {
      await subscribing;
    }
    return this.local.take(channel, options.signal);
  }

  async listen(
    channel: string,
    listener: MessageListener,
    options: ListenOptions,
  ): Promise<void> {
    const subscribing = this.openLocal(channel, options.signal);
    if (subscribing) {
      await subscribing;
    }
    this.local.listen(channel, listener, options.signal);
  }

  async groupAdd(group: string, channel: string): Promise<void> {
    this.assertOpen();
    assertGroupName(group);
    assertChannelName(channel);
    const name = this.groupChannel(group);
    let members = this.groups.get(name);
    if (!members) {
      members = new Set();
      this.groups.set(name, members);
    }
    const added = !members.has(channel);
    members.add(channel);
    try {
      await this.subscribe(name);
    } catch (error) {
      // The caller is told it failed, so it is not a member either.
      if (added && members.delete(channel) && members.size === 0) {
        this.groups.delete(name);
      }
      throw error;
    }
  }

  async groupDiscard(group: string, channel: string): Promise<void> {
    this.assertOpen();
    assertGroupName(group);
    assertChannelName(channel);
    const name = this.groupChannel(group);
    const members = this.groups.get(name);
    if (members?.delete(channel) && members.size === 0) {
      this.groups.delete(name);
      await this.unsubscribe(name);
    }
  }

  async groupSend(
    group: string,
    message: ChannelMessage,
  ): Promise<GroupSendResult> {
    this.assertOpen();
    assertGroupName(group);
    assertMessage(message);
    const accepted = await this.publish(this.groupChannel(group), message);
    return { accepted, full: 0 };
  }

  /** Drops buffered messages and this process's group memberships; channels stay subscribed. */
  async flush(): Promise<void> {
    this.assertOpen();
    const names = [...this.groups.keys()];
    this.groups.clear();
    this.local.clear();
    await Promise.all(names.map((name) => this.unsubscribe(name)));
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    await Promise.all(this.shards.map((shard) => shard.close()));
    // Last, so that a caller awaiting close() handles its receives' rejections in time.
    this.local.close();
  }

  /** Answers once every shard answers and has its subscriptions back after a reconnection. */
  async ping(): Promise<void> {
    this.assertOpen();
    await Promise.all(this.shards.map((shard) => shard.ping()));
  }

  private publish(name: string, message: ChannelMessage): Promise<number> {
    return this.shardOf(name).publish(name, PYTHON_MSGPACK.pack(message));
  }

  private subscribedTo(name: string): boolean {
    return this.shardOf(name).has(name);
  }

  private subscribe(name: string): Promise<void> {
    return this.shardOf(name).subscribe(name);
  }

  private unsubscribe(name: string): Promise<void> {
    return this.shardOf(name).unsubscribe(name);
  }

  /** Hands a pushed message to the local channel, or to each local member of the group. */
  private dispatch(name: string, data: Buffer): void {
    const members = this.groups.get(name);
    if (!this.local.isOpen(name) && !members) {
      return;
    }
    let message: ChannelMessage;
    try {
      message = PYTHON_MSGPACK.unpack(data) as ChannelMessage;
    } catch (error) {
      this.logger.warn(`dropped an undecodable message: ${String(error)}`);
      return;
    }
    this.local.deliverToEach(members ? members : [name], message);
  }

  /**
   * Opens `channel` for a receive or a listener, and subscribes to it unless
   * this process is already: then the caller waits for nothing, so receives
   * made in one turn take their places in the order they were made.
   */
  private openLocal(
    channel: string,
    signal: AbortSignal | undefined,
  ): Promise<void> | undefined {
    this.assertOpen();
    if (!this.local.isOpen(channel)) {
      assertChannelName(channel);
      signal?.throwIfAborted();
      this.local.open(channel);
    }
    if (!signal?.aborted && !this.subscribedTo(channel)) {
      // Open first, so a message right after the SUBSCRIBE reply is kept. A
      // failure rejects this call (as channels_redis's receive does); the
      // next one subscribes again, so the channel never goes deaf.
      return this.subscribe(channel);
    }
    return undefined;
  }

  /** A released channel leaves its subscription and its groups. */
  private forget(channel: string): void {
    void this.unsubscribe(channel);
    for (const [name, members] of this.groups) {
      if (members.delete(channel) && members.size === 0) {
        this.groups.delete(name);
        void this.unsubscribe(name);
      }
    }
  }

  private groupChannel(group: string): string {
    return `${this.prefix}__group__${group}`;
  }

  private shardOf(name: string): PubSubServer {
    return this.shards[shardIndex(name, this.shards.length)];
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new ChannelLayerClosedError();
    }
  }
}
