import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ChannelLayer } from '../../channel-layer';
import { assertMessage } from '../../assert-message';
import { CapacityRules } from '../../capacity';
import {
  DEFAULT_CAPACITY,
  DEFAULT_CHANNEL_PREFIX,
  DEFAULT_EXPIRY_S,
  DEFAULT_GROUP_EXPIRY_S,
  DEFAULT_PREFIX,
  DEFAULT_PROCESS_CAPACITY,
} from '../../channel-layer.constants';
import {
  assertChannelName,
  assertGroupName,
  nonLocalName,
} from '../../channel-names';
import {
  ChannelFullError,
  ChannelLayerClosedError,
  ChannelLayerUnavailableError,
  ForeignChannelError,
} from '../../errors';
import type {
  RedisConnectionOptions,
  RedisCoreLayerSettings,
} from '../../interfaces/channel-layer-options.interface';
import type { ChannelMessage } from '../../interfaces/channel-message.interface';
import type { GroupSendResult } from '../../interfaces/group-send-result.interface';
import type {
  ListenOptions,
  MessageListener,
} from '../../interfaces/message-listener.interface';
import type { ReceiveOptions } from '../../interfaces/receive-options.interface';
import { LocalMailboxes } from '../../local-mailboxes';
import { groupKey } from './group-key';
import { GroupMemberships } from './group-memberships';
import { GroupSender } from './group-sender';
import { CHANNEL_KEY, MessageCodec } from './message-codec';
import { ProcessReaders } from './process-readers';
import { createConnections } from './redis-connections';
import { EXPIRED } from './redis-scripts';
import { RedisShards } from './redis-shards';
import { nextScore } from './scores';
import { SharedReceiver } from './shared-receiver';
import { pumpReceives } from './pump-receives';

/**
 * `channels_redis.core.RedisChannelLayer` in TypeScript, with its data layout:
 * the same keys, scores, values and shard choice, so Django processes share it.
 *
 * Faster by design: one blocking reader per shard for all of this process's
 * channels, one script call per send, two round trips per group send.
 */
export class RedisChannelLayer implements ChannelLayer {
  private readonly logger = new Logger(RedisChannelLayer.name);
  private readonly prefix: string;
  private readonly expiry: number;
  private readonly groupExpiry: number;
  private readonly processCapacity: number;
  private readonly capacities: CapacityRules;
  private readonly codec: MessageCodec;
  private readonly shards: RedisShards;
  private readonly readers: ProcessReaders;
  private readonly clientPrefix = randomUUID().replaceAll('-', '');
  private readonly local: LocalMailboxes;
  private readonly memberships: GroupMemberships;
  private readonly groupSender: GroupSender;
  private readonly shared: SharedReceiver;
  private closed = false;

  constructor(
    private readonly options: RedisConnectionOptions &
      Omit<RedisCoreLayerSettings, 'backend'>,
  ) {
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.expiry = options.expiry ?? DEFAULT_EXPIRY_S;
    this.groupExpiry = options.groupExpiry ?? DEFAULT_GROUP_EXPIRY_S;
    this.processCapacity = options.processCapacity ?? DEFAULT_PROCESS_CAPACITY;
    this.capacities = new CapacityRules(
      options.capacity ?? DEFAULT_CAPACITY,
      options.channelCapacity,
    );
    this.codec = new MessageCodec(options.symmetricEncryptionKeys, this.expiry);
    this.local = new LocalMailboxes({
      capacityOf: (channel) => this.capacities.capacityOf(channel),
      expiryMs: this.expiry * 1000,
      keepsUnopened: false,
      onRelease: (channel) => this.memberships.forget(channel),
      logger: this.logger,
    });
    this.shards = new RedisShards(options, this.logger, (index) =>
      this.memberships.restoreOnReady(index),
    );
    this.memberships = new GroupMemberships(
      this.shards,
      this.prefix,
      this.groupExpiry,
      this.logger,
    );
    this.groupSender = new GroupSender(
      this.shards,
      this.codec,
      this.capacities,
      this.prefix,
      this.expiry,
      this.groupExpiry,
      this.processCapacity,
      this.logger,
    );
    this.readers = new ProcessReaders(
      options,
      this.prefix + this.processName(DEFAULT_CHANNEL_PREFIX),
      (raw) => this.dispatch(raw),
      this.logger,
    );
    this.shared = new SharedReceiver(
      () => createConnections(options, 'channels:shared', this.logger),
      this.codec,
      this.logger,
    );
  }

  async newChannel(prefix = DEFAULT_CHANNEL_PREFIX): Promise<string> {
    this.assertOpen();
    const channel = `${this.processName(prefix)}${randomUUID().replaceAll('-', '')}`;
    assertChannelName(channel);
    this.readers.watch(this.prefix + nonLocalName(channel));
    this.local.open(channel);
    return channel;
  }

  async send(channel: string, message: ChannelMessage): Promise<void> {
    this.assertOpen();
    assertChannelName(channel);
    assertMessage(message);
    const isLocal = channel.includes('!');
    const target = isLocal ? nonLocalName(channel) : channel;
    // A "!" channel goes to the shard its receivers read (channels_redis 4.0
    // hashes the full name here, where nobody reads). A named channel goes
    // round-robin, as channels_redis: its receivers each wait on one shard at
    // a time, so every shard must see messages.
    const index = isLocal
      ? this.shards.shardOf(target)
      : this.shards.nextSendIndex();
    const value = this.codec.encode(
      isLocal ? { ...message, [CHANNEL_KEY]: channel } : message,
    );
    if (!this.local.reserve(channel)) {
      throw new ChannelFullError(channel);
    }
    const capacity = this.capacities.capacityOf(channel);
    let added: number;
    try {
      added = await this.shards.run(
        index,
        (client, deadline) =>
          client.channelsSend(
            this.prefix + target,
            value,
            nextScore(),
            this.expiry,
            isLocal ? Math.max(capacity, this.processCapacity) : capacity,
            deadline,
          ),
        value.length,
      );
    } catch (error) {
      this.local.unreserve(channel);
      throw error;
    }
    if (added === EXPIRED) {
      this.local.unreserve(channel);
      throw new ChannelLayerUnavailableError('redis', 'Redis ran it too late');
    }
    if (added === 0) {
      this.local.unreserve(channel);
      throw new ChannelFullError(channel);
    }
  }

  async receive(
    channel: string,
    options: ReceiveOptions = {},
  ): Promise<ChannelMessage> {
    this.assertOpen();
    if (!this.local.isOpen(channel)) {
      assertChannelName(channel);
      if (!channel.includes('!')) {
        return this.shared.receive(this.prefix + channel, options.signal);
      }
      this.watchLocal(channel);
    }
    return this.local.take(channel, options.signal);
  }

  async listen(
    channel: string,
    listener: MessageListener,
    options: ListenOptions,
  ): Promise<void> {
    this.assertOpen();
    if (!this.local.isOpen(channel)) {
      assertChannelName(channel);
      if (!channel.includes('!')) {
        void pumpReceives(
          (signal) => this.shared.receive(this.prefix + channel, signal),
          listener,
          options.signal,
          this.logger,
        );
        return;
      }
      this.watchLocal(channel);
    }
    this.local.listen(channel, listener, options.signal);
  }

  async groupAdd(group: string, channel: string): Promise<void> {
    this.assertOpen();
    assertGroupName(group);
    assertChannelName(channel);
    if (this.local.isOpen(channel)) {
      this.memberships.remember(group, channel);
    }
    const added = await this.shards.run(
      this.shards.shardOf(group),
      (client, deadline) =>
        client.channelsGroupAdd(
          groupKey(this.prefix, group),
          channel,
          nextScore(),
          this.groupExpiry,
          deadline,
        ),
    );
    if (added === EXPIRED) {
      // Its caller was told it failed: it must not be a member either.
      this.memberships.discard(group, channel);
      throw new ChannelLayerUnavailableError('redis', 'Redis ran it too late');
    }
  }

  async groupDiscard(group: string, channel: string): Promise<void> {
    this.assertOpen();
    assertGroupName(group);
    assertChannelName(channel);
    this.memberships.discard(group, channel);
    await this.shards.run(this.shards.shardOf(group), (client) =>
      client.zrem(groupKey(this.prefix, group), channel),
    );
  }

  async groupSend(
    group: string,
    message: ChannelMessage,
  ): Promise<GroupSendResult> {
    this.assertOpen();
    assertGroupName(group);
    assertMessage(message);
    return this.groupSender.send(group, message);
  }

  async flush(): Promise<void> {
    this.assertOpen();
    await this.shards.runOnEach((client) =>
      client.channelsFlush(`${this.prefix}*`),
    );
    // What a reader popped just before the flush must not land after it.
    await this.readers.sync(this.shards);
    this.local.clear();
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.memberships.stop();
    this.local.close();
    await Promise.all([this.readers.stop(), this.shared.close()]);
    await this.shards.quit();
  }

  /** Answers once every shard answers and has this process's memberships back after a restart. */
  async ping(): Promise<void> {
    this.assertOpen();
    await this.shards.runOnEach((client) => client.ping());
    await Promise.all(
      Array.from({ length: this.shards.count }, (_, index) =>
        this.memberships.restored(index),
      ),
    );
  }

  /** Routes one raw message from a shard reader to its local channels. */
  private dispatch(raw: Buffer): void {
    let message: ChannelMessage;
    try {
      message = this.codec.decode(raw);
    } catch (error) {
      this.logger.warn(`dropped an undecodable message: ${String(error)}`);
      return;
    }
    const target = message[CHANNEL_KEY];
    delete message[CHANNEL_KEY];
    this.local.deliverToEach(
      (Array.isArray(target) ? target : [target]).filter(
        (channel): channel is string => typeof channel === 'string',
      ),
      message,
    );
  }

  /** Reads the Redis key of this process's `!` channel, so that its messages come here. */
  private watchLocal(channel: string): void {
    const nonLocal = nonLocalName(channel);
    if (!nonLocal.endsWith(`.${this.clientPrefix}!`)) {
      throw new ForeignChannelError(channel);
    }
    this.readers.watch(this.prefix + nonLocal);
  }

  private processName(prefix: string): string {
    return `${prefix}.${this.clientPrefix}!`;
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new ChannelLayerClosedError();
    }
  }
}
