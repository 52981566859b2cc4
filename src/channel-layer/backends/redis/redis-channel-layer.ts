import { Logger } from '@nestjs/common';
import type { ChannelLayer } from '../../channel-layer';
import type { CapacityRules } from '../../capacity';
import {
  DEFAULT_CHANNEL_PREFIX,
  DEFAULT_PROCESS_CAPACITY,
} from '../../channel-layer.constants';
import { assertChannelName, nonLocalName } from '../../channel-names';
import {
  ChannelFullError,
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
import { LayerCore } from '../../layer-core';
import { layerSettings } from '../../layer-settings';
import { groupKey } from './group-key';
import { GroupMemberships } from './group-memberships';
import { GroupSender } from './group-sender';
import { ShardWrites } from './shard-writes';
import { CHANNEL_KEY, MessageCodec } from './message-codec';
import { ProcessReaders } from './process-readers';
import { createConnections } from '../redis-common/redis-connections';
import { EXPIRED } from '../redis-common/deadline-script';
import { evalCommand, redirected } from '../redis-common/slot-eval';
import { GROUP_ADD_LUA } from './redis-scripts';
import { RedisShards } from './redis-shards';
import { nextScore } from './scores';
import { SharedReceiver } from './shared-receiver';
import { pumpReceives } from './pump-receives';
import { uuidHex } from '../redis-common/uuid-hex';

/**
 * `channels_redis.core.RedisChannelLayer` in TypeScript, with its data layout:
 * the same keys, scores, values and shard choice, so Django processes share it.
 *
 * Faster by design: one blocking reader per shard for all of this process's
 * channels, one script call per send, two round trips per group send.
 */
export class RedisChannelLayer implements ChannelLayer {
  private readonly core: LayerCore;
  private readonly logger = new Logger(RedisChannelLayer.name);
  private readonly processId = uuidHex();
  /** Shared channels listened to without a signal: a release stops them. */
  private readonly unsignalled = new Map<string, AbortController>();
  private readonly prefix: string;
  private readonly expiry: number;
  private readonly groupExpiry: number;
  private readonly processCapacity: number;
  private readonly capacities: CapacityRules;
  private readonly codec: MessageCodec;
  private readonly shards: RedisShards;
  private readonly readers: ProcessReaders;
  private readonly memberships: GroupMemberships;
  private readonly writes: ShardWrites;
  private readonly groupSender: GroupSender;
  private readonly shared: SharedReceiver;

  constructor(
    options: RedisConnectionOptions & Omit<RedisCoreLayerSettings, 'backend'>,
  ) {
    const settings = layerSettings(options);
    this.core = new LayerCore(
      { processId: this.processId, token: uuidHex },
      {
        capacityOf: (channel) => settings.capacities.capacityOf(channel),
        expiryMs: settings.expiry * 1000,
        keepsUnopened: false,
        logger: this.logger,
      },
      {
        reach: (channel, open) => this.reach(channel, open),
        // A forgotten channel's memberships are not restored after a Redis restart.
        release: (channel) => this.memberships.forget(channel),
        flush: () => this.flushKeys(),
        close: () => this.closeConnections(),
      },
    );
    this.prefix = settings.prefix;
    this.expiry = settings.expiry;
    this.groupExpiry = settings.groupExpiry;
    this.processCapacity = options.processCapacity ?? DEFAULT_PROCESS_CAPACITY;
    this.capacities = settings.capacities;
    this.codec = new MessageCodec(options.symmetricEncryptionKeys, this.expiry);
    this.shards = new RedisShards(options, this.logger, (index) =>
      this.memberships.restoreOnReady(index),
    );
    this.memberships = new GroupMemberships(
      this.shards,
      this.prefix,
      this.groupExpiry,
      this.logger,
    );
    this.writes = new ShardWrites(this.shards, {
      expiry: this.expiry,
      groupExpiry: this.groupExpiry,
      prefix: this.prefix,
      processCapacity: this.processCapacity,
    });
    this.groupSender = new GroupSender(
      this.shards,
      this.writes,
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
      () =>
        createConnections(options, 'channels:shared', this.logger, {
          backend: 'redis',
        }),
      this.codec,
      this.logger,
    );
  }

  newChannel(prefix?: string): Promise<string> {
    return this.core.newChannel(prefix);
  }

  async send(channel: string, message: ChannelMessage): Promise<void> {
    this.core.checkSend(channel, message);
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
    if (!this.core.mailboxes.reserve(channel)) {
      throw new ChannelFullError(channel);
    }
    const capacity = this.capacities.capacityOf(channel);
    let added: number;
    try {
      added = await this.writes.send(
        index,
        this.prefix + target,
        value,
        nextScore(),
        isLocal ? Math.max(capacity, this.processCapacity) : capacity,
      );
    } catch (error) {
      this.core.mailboxes.unreserve(channel);
      throw error;
    }
    if (added === 0) {
      this.core.mailboxes.unreserve(channel);
      throw new ChannelFullError(channel);
    }
  }

  async receive(
    channel: string,
    options: ReceiveOptions = {},
  ): Promise<ChannelMessage> {
    if (this.isShared(channel)) {
      if (options.signal?.aborted) {
        this.unsignalled.get(channel)?.abort();
        this.unsignalled.delete(channel);
      }
      return this.shared.receive(this.prefix + channel, options.signal);
    }
    return this.core.receive(channel, options);
  }

  async listen<C>(
    channel: string,
    listener: MessageListener<C>,
    options: ListenOptions<C> = {},
  ): Promise<void> {
    if (!this.isShared(channel)) {
      return this.core.listen(channel, listener, options);
    }
    let signal = options.signal;
    if (!signal) {
      const controller = new AbortController();
      this.unsignalled.get(channel)?.abort();
      this.unsignalled.set(channel, controller);
      signal = controller.signal;
    }
    void pumpReceives(
      channel,
      (receiving) => this.shared.receive(this.prefix + channel, receiving),
      listener,
      options.context as C,
      signal,
      this.logger,
    );
  }

  async groupAdd(group: string, channel: string): Promise<void> {
    this.core.checkMembership(group, channel);
    if (this.core.mailboxes.isOpen(channel)) {
      this.memberships.remember(group, channel);
    }
    const key = groupKey(this.prefix, group);
    const added = await this.shards.run(
      this.shards.shardOf(group),
      (client, deadline, away) => {
        const args = [
          channel,
          nextScore(),
          this.groupExpiry,
          deadline,
        ] as const;
        return redirected(
          client,
          client.channelsGroupAdd(key, ...args),
          () => evalCommand(GROUP_ADD_LUA, [key], args),
          deadline,
          away,
        );
      },
      undefined,
      undefined,
      key,
    );
    if (added === EXPIRED) {
      // Its caller was told it failed: it must not be a member either.
      this.memberships.discard(group, channel);
      throw new ChannelLayerUnavailableError('redis', 'Redis ran it too late');
    }
  }

  async groupDiscard(group: string, channel: string): Promise<void> {
    this.core.checkMembership(group, channel);
    this.memberships.discard(group, channel);
    const key = groupKey(this.prefix, group);
    await this.shards.run(
      this.shards.shardOf(group),
      (client, deadline, away) =>
        redirected(
          client,
          client.zrem(key, channel),
          () => ({ name: 'zrem', args: [key, channel] }),
          deadline,
          away,
        ),
      undefined,
      undefined,
      key,
    );
  }

  async groupSend(
    group: string,
    message: ChannelMessage,
  ): Promise<GroupSendResult> {
    this.core.checkGroupSend(group, message);
    return this.groupSender.send(group, message);
  }

  /**
   * `groupSend` as the last step of an operation that began at `issuedAt`
   * (Unix ms), its 5 s counted from then (room history stores the message
   * first, and the whole send has 5 s). Always the two-step send (members
   * read, then writes), whose every step counts from `issuedAt`.
   */
  async groupSendIssuedAt(
    group: string,
    message: ChannelMessage,
    issuedAt: number,
  ): Promise<GroupSendResult> {
    this.core.checkGroupSend(group, message);
    return this.groupSender.sendByShard(group, message, issuedAt);
  }

  flush(): Promise<void> {
    return this.core.flush();
  }

  close(): Promise<void> {
    return this.core.close();
  }

  /** Answers once every shard answers and has this process's memberships back after a restart. */
  async ping(): Promise<void> {
    this.core.assertOpen();
    await this.shards.runOnEach((client) => client.ping());
    await Promise.all(
      Array.from({ length: this.shards.count }, (_, index) =>
        this.memberships.restored(index),
      ),
    );
  }

  /** Reads the Redis key of this process's `!` channel, so that its messages come here. */
  private reach(channel: string, open: boolean): undefined {
    if (!open) {
      const nonLocal = nonLocalName(channel);
      if (!nonLocal.endsWith(`.${this.processId}!`)) {
        throw new ForeignChannelError(channel);
      }
      this.readers.watch(this.prefix + nonLocal);
    }
    return undefined;
  }

  /** Drops every key of this layer's prefix, and what the readers popped before. */
  private async flushKeys(): Promise<void> {
    const pattern = `${this.prefix}*`;
    await this.shards.runOnEach((client) =>
      this.shards.cluster
        ? client.channelsFlushSlots(pattern)
        : client.channelsFlush(pattern),
    );
    // What a reader popped just before the flush must not land after it.
    await this.readers.sync(this.shards, this.expiry);
  }

  private async closeConnections(): Promise<void> {
    this.memberships.stop();
    await Promise.all([this.readers.stop(), this.shared.close()]);
    await this.shards.quit();
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
    this.core.mailboxes.deliverToEach(
      (Array.isArray(target) ? target : [target]).filter(
        (channel): channel is string => typeof channel === 'string',
      ),
      message,
    );
  }

  /** Whether `channel` is a named channel, whose messages other processes' receives share. */
  private isShared(channel: string): boolean {
    if (channel.includes('!')) {
      return false;
    }
    this.core.assertOpen();
    assertChannelName(channel);
    return true;
  }

  private processName(prefix: string): string {
    return `${prefix}.${this.processId}!`;
  }
}
