import { Logger } from '@nestjs/common';
import type { ChannelLayer } from '../../channel-layer';
import { DEFAULT_EXPIRY_S } from '../../channel-layer.constants';
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
import { LayerCore } from '../../layer-core';
import { layerSettings } from '../../layer-settings';
import { PYTHON_MSGPACK } from '../redis-common/python-msgpack';
import { shardEndpoints } from '../redis-common/redis-endpoints';
import { shardIndex } from '../redis-common/shards';
import { uuidHex } from '../redis-common/uuid-hex';
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
  private readonly core: LayerCore;
  private readonly logger = new Logger(RedisPubSubChannelLayer.name);
  private readonly prefix: string;
  private readonly shards: PubSubServer[];
  /** Group pub/sub channel → this process's channels in it. */
  private readonly groups = new Map<string, Set<string>>();

  constructor(
    options: RedisConnectionOptions & Omit<RedisPubSubLayerSettings, 'backend'>,
  ) {
    this.core = new LayerCore(
      { processId: uuidHex(), token: uuidHex },
      {
        capacityOf: () => LOCAL_BUFFER,
        expiryMs: DEFAULT_EXPIRY_S * 1000,
        keepsUnopened: false,
        logger: this.logger,
      },
      {
        // Subscribes unless this process is already: then the caller waits
        // for nothing. A failure rejects the call (as channels_redis's
        // receive does); the next one subscribes again, so the channel
        // never goes deaf.
        reach: (channel) =>
          this.subscribedTo(channel) ? undefined : this.subscribe(channel),
        release: (channel) => this.released(channel),
        flush: () => this.leaveGroups(),
        close: async () => {
          await Promise.all(this.shards.map((shard) => shard.close()));
        },
      },
    );
    this.prefix = layerSettings(options).prefix;
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

  newChannel(prefix?: string): Promise<string> {
    return this.core.newChannel(prefix);
  }

  async send(channel: string, message: ChannelMessage): Promise<void> {
    this.core.checkSend(channel, message);
    await this.publish(channel, message);
  }

  receive(channel: string, options?: ReceiveOptions): Promise<ChannelMessage> {
    return this.core.receive(channel, options);
  }

  listen<C>(
    channel: string,
    listener: MessageListener<C>,
    options: ListenOptions<C> = {},
  ): Promise<void> {
    return this.core.listen(channel, listener, options);
  }

  async groupAdd(group: string, channel: string): Promise<void> {
    this.core.checkMembership(group, channel);
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
    this.core.checkMembership(group, channel);
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
    this.core.checkGroupSend(group, message);
    const accepted = await this.publish(this.groupChannel(group), message);
    return { accepted, full: 0 };
  }

  /**
   * Whether this process has members in `group`, and so subscribes to its
   * channel: a publish to the group then reaches this process at least.
   */
  hasMembers(group: string): boolean {
    return this.groups.has(this.groupChannel(group));
  }

  /** Drops buffered messages and this process's group memberships; channels stay subscribed. */
  flush(): Promise<void> {
    return this.core.flush();
  }

  close(): Promise<void> {
    return this.core.close();
  }

  /** Answers once every shard answers and has its subscriptions back after a reconnection. */
  async ping(): Promise<void> {
    this.core.assertOpen();
    await Promise.all(this.shards.map((shard) => shard.ping()));
  }

  /** Leaves every group of this process (a flush). */
  private async leaveGroups(): Promise<void> {
    const names = [...this.groups.keys()];
    this.groups.clear();
    await Promise.all(names.map((name) => this.unsubscribe(name)));
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
    if (!this.core.mailboxes.isOpen(name) && !members) {
      return;
    }
    let message: ChannelMessage;
    try {
      message = PYTHON_MSGPACK.unpack(data) as ChannelMessage;
    } catch (error) {
      this.logger.warn(`dropped an undecodable message: ${String(error)}`);
      return;
    }
    this.core.mailboxes.deliverToEach(members ? members : [name], message);
  }

  /** A released channel leaves its subscription and its groups. */
  private released(channel: string): void {
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
}
