import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
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
import type { RedisChannelLayerOptions } from '../../interfaces/channel-layer-options.interface';
import type { ChannelMessage } from '../../interfaces/channel-message.interface';
import type { ReceiveOptions } from '../../interfaces/receive-options.interface';
import { LocalChannels } from './local-channels';
import { MessageCodec } from './message-codec';
import { createRedisClient, whenReady } from './redis-client';
import { defineChannelScripts } from './redis-scripts';
import { nextScore } from './scores';
import { SharedReceiver } from './shared-receiver';
import { ShardReader } from './shard-reader';
import { shardIndex } from './shards';

const CHANNEL_KEY = '__asgi_channel__';

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
  private readonly capacities: CapacityRules;
  private readonly codec: MessageCodec;
  private readonly clients: Redis[];
  private readonly readers: ShardReader[];
  private readonly clientPrefix = randomUUID().replaceAll('-', '');
  private readonly localKeys = new Set<string>();
  private readonly local: LocalChannels;
  /** Group memberships of this process's channels, restored after a Redis restart. */
  private readonly memberships = new Map<string, Set<string>>();
  private readonly shared: SharedReceiver;
  /** Per shard, the restoration of memberships after its last (re)connection. */
  private readonly restoring: Array<Promise<void>> = [];
  private sendIndex = 0;
  private closed = false;

  constructor(
    private readonly options: Omit<RedisChannelLayerOptions, 'backend'>,
  ) {
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.expiry = options.expiry ?? DEFAULT_EXPIRY_S;
    this.groupExpiry = options.groupExpiry ?? DEFAULT_GROUP_EXPIRY_S;
    this.capacities = new CapacityRules(
      options.capacity ?? DEFAULT_CAPACITY,
      options.channelCapacity,
    );
    this.codec = new MessageCodec(options.symmetricEncryptionKeys, this.expiry);
    this.local = new LocalChannels(
      (channel) => this.capacities.capacityOf(channel),
      (channel) => this.forgetMemberships(channel),
    );
    this.clients = options.hosts.map((url, index) => {
      const client = createRedisClient(url, `channels:${index}`, this.logger, {
        enableAutoPipelining: true,
      });
      defineChannelScripts(client);
      client.on('ready', () => {
        const restoring = this.restoreMemberships(index);
        restoring.catch(() => undefined);
        this.restoring[index] = restoring;
      });
      return client;
    });
    this.readers = options.hosts.map(
      (url, index) =>
        new ShardReader(
          createRedisClient(url, `channels:${index}:reader`, this.logger),
          () => [...this.localKeys],
          (raw) => this.dispatch(raw),
          this.logger,
        ),
    );
    this.shared = new SharedReceiver(options.hosts, this.codec, this.logger);
    this.localKeys.add(this.prefix + this.processName(DEFAULT_CHANNEL_PREFIX));
  }

  async newChannel(prefix = DEFAULT_CHANNEL_PREFIX): Promise<string> {
    this.assertOpen();
    const channel = `${this.processName(prefix)}${randomUUID().replaceAll('-', '')}`;
    assertChannelName(channel);
    this.localKeys.add(this.prefix + nonLocalName(channel));
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
    const index = isLocal ? this.shardOf(target) : this.nextSendIndex();
    const value = this.codec.encode(
      isLocal ? { ...message, [CHANNEL_KEY]: channel } : message,
    );
    if (!this.local.reserve(channel)) {
      throw new ChannelFullError(channel);
    }
    let added: number;
    try {
      added = await this.run(index, (client) =>
        client.channelsSend(
          this.prefix + target,
          value,
          nextScore(),
          this.expiry,
          this.capacities.capacityOf(channel),
        ),
      );
    } catch (error) {
      this.local.unreserve(channel);
      throw error;
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
    if (this.local.has(channel)) {
      return this.local.take(channel, options.signal);
    }
    assertChannelName(channel);
    if (!channel.includes('!')) {
      return this.shared.receive(this.prefix + channel, options.signal);
    }
    const nonLocal = nonLocalName(channel);
    if (!nonLocal.endsWith(`.${this.clientPrefix}!`)) {
      throw new ForeignChannelError(channel);
    }
    this.localKeys.add(this.prefix + nonLocal);
    return this.local.take(channel, options.signal);
  }

  async groupAdd(group: string, channel: string): Promise<void> {
    this.assertOpen();
    assertGroupName(group);
    assertChannelName(channel);
    if (this.local.has(channel)) {
      this.remember(group, channel);
    }
    const key = this.groupKey(group);
    await this.run(this.shardOf(group), (client) =>
      client
        .multi()
        .zadd(key, nextScore(), channel)
        .expire(key, this.groupExpiry)
        .exec(),
    );
  }

  async groupDiscard(group: string, channel: string): Promise<void> {
    this.assertOpen();
    assertGroupName(group);
    assertChannelName(channel);
    this.memberships.get(group)?.delete(channel);
    await this.run(this.shardOf(group), (client) =>
      client.zrem(this.groupKey(group), channel),
    );
  }

  async groupSend(group: string, message: ChannelMessage): Promise<void> {
    this.assertOpen();
    assertGroupName(group);
    assertMessage(message);
    const capacity = this.capacities.uniform;
    const head =
      this.clients.length === 1 && capacity !== undefined
        ? this.codec.encodeHead(message, CHANNEL_KEY)
        : undefined;
    if (head && capacity !== undefined) {
      // One shard, no encryption, one capacity: the whole send in one script.
      const full = await this.run(0, (client) =>
        client.channelsGroupFanout(
          this.groupKey(group),
          nextScore(),
          this.groupExpiry,
          this.expiry,
          capacity,
          this.prefix,
          head,
        ),
      );
      this.reportFull(full, group);
      return;
    }
    const members = await this.run(this.shardOf(group), (client) =>
      client.channelsGroupMembers(
        this.groupKey(group),
        nextScore(),
        this.groupExpiry,
      ),
    );
    const byShard = this.planGroupSend(members, message);
    const now = nextScore();
    await Promise.all(
      [...byShard].map(async ([index, { keys, values, capacities }]) => {
        const full = await this.run(index, (client) =>
          client.channelsGroupSend(
            keys.length,
            ...keys,
            ...values,
            ...capacities,
            now,
            this.expiry,
          ),
        );
        this.reportFull(full, group);
      }),
    );
  }

  async flush(): Promise<void> {
    this.assertOpen();
    await Promise.all(
      this.clients.map((_, index) =>
        this.run(index, (client) => client.channelsFlush(`${this.prefix}*`)),
      ),
    );
    // What a reader popped just before the flush must not land after it.
    const key = this.prefix + this.processName(DEFAULT_CHANNEL_PREFIX);
    await Promise.all(
      this.readers.map((reader, index) =>
        this.run(index, (client) =>
          reader.sync((marker) => client.zadd(key, 0, marker)),
        ),
      ),
    );
    this.local.clearBuffers();
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.local.close();
    await Promise.all([
      ...this.readers.map((reader) => reader.stop()),
      this.shared.close(),
    ]);
    await Promise.all(
      this.clients.map((client) =>
        client.quit().catch(() => client.disconnect()),
      ),
    );
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await Promise.all(
      this.clients.map((_, index) =>
        this.run(index, (client) => client.ping()),
      ),
    );
  }

  private reportFull(full: number, group: string): void {
    if (full > 0) {
      this.logger.debug?.(
        `${full} channel keys over capacity in group ${group}`,
      );
    }
  }

  /** One message per destination key, carrying the list of its channels (as channels_redis 4.0). */
  private planGroupSend(members: string[], message: ChannelMessage) {
    const channelsByKey = new Map<string, string[]>();
    for (const channel of members) {
      const key = this.prefix + nonLocalName(channel);
      const channels = channelsByKey.get(key);
      if (channels) {
        channels.push(channel);
      } else {
        channelsByKey.set(key, [channel]);
      }
    }
    const byShard = new Map<
      number,
      { keys: string[]; values: Buffer[]; capacities: number[] }
    >();
    for (const [key, channels] of channelsByKey) {
      const index = this.shardOf(key.slice(this.prefix.length));
      let batch = byShard.get(index);
      if (!batch) {
        batch = { keys: [], values: [], capacities: [] };
        byShard.set(index, batch);
      }
      batch.keys.push(key);
      batch.values.push(
        this.codec.encode({ ...message, [CHANNEL_KEY]: channels }),
      );
      batch.capacities.push(this.capacities.capacityOf(channels[0]));
    }
    return byShard;
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
    for (const channel of Array.isArray(target) ? target : [target]) {
      if (typeof channel === 'string') {
        this.local.push(channel, message);
      }
    }
  }

  private remember(group: string, channel: string): void {
    let channels = this.memberships.get(group);
    if (!channels) {
      channels = new Set();
      this.memberships.set(group, channels);
    }
    channels.add(channel);
  }

  private forgetMemberships(channel: string): void {
    for (const [group, channels] of this.memberships) {
      if (channels.delete(channel) && channels.size === 0) {
        this.memberships.delete(group);
      }
    }
  }

  /** Re-adds this process's memberships on a shard that (re)connected: a restarted Redis lost them. */
  private async restoreMemberships(index: number): Promise<void> {
    const pipeline = this.clients[index].pipeline();
    let count = 0;
    for (const [group, channels] of this.memberships) {
      if (this.shardOf(group) === index && channels.size > 0) {
        const key = this.groupKey(group);
        const now = nextScore();
        pipeline.zadd(
          key,
          ...[...channels].flatMap((channel) => [now, channel]),
        );
        pipeline.expire(key, this.groupExpiry);
        count += channels.size;
      }
    }
    if (count === 0) {
      return;
    }
    try {
      const failure = (await pipeline.exec())?.find(([error]) => error)?.[0];
      if (failure) {
        throw failure;
      }
    } catch (error) {
      this.logger.warn(
        `could not restore ${count} group memberships: ${String(error)}`,
      );
      throw new ChannelLayerUnavailableError('redis', error);
    }
  }

  /** Waits for the shard's memberships to be back, restoring them again if that failed. */
  private async restored(index: number): Promise<void> {
    try {
      await this.restoring[index];
    } catch {
      this.restoring[index] = this.restoreMemberships(index);
      await this.restoring[index];
    }
  }

  private processName(prefix: string): string {
    return `${prefix}.${this.clientPrefix}!`;
  }

  private groupKey(group: string): string {
    return `${this.prefix}:group:${group}`;
  }

  private nextSendIndex(): number {
    this.sendIndex = (this.sendIndex + 1) % this.clients.length;
    return this.sendIndex;
  }

  private shardOf(name: string): number {
    return shardIndex(name, this.clients.length);
  }

  /** Runs a call on shard `index`, turning connection failures into `ChannelLayerUnavailableError`. */
  private async run<T>(
    index: number,
    call: (client: Redis) => Promise<T>,
  ): Promise<T> {
    const client = this.clients[index];
    try {
      await whenReady(client);
      return await call(client);
    } catch (error) {
      throw new ChannelLayerUnavailableError('redis', error);
    }
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new ChannelLayerClosedError();
    }
  }
}
