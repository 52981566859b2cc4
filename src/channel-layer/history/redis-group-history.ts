import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ChannelLayer } from '../channel-layer';
import type {
  RedisChannelLayerOptions,
  RedisPubSubChannelLayerOptions,
} from '../interfaces/channel-layer-options.interface';
import type { ChannelMessage } from '../interfaces/channel-message.interface';
import type { GroupSendResult } from '../interfaces/group-send-result.interface';
import { ShardGates } from '../backends/redis-common/shard-gates';
import { groupKey } from '../backends/redis/group-key';
import { CHANNEL_KEY, MessageCodec } from '../backends/redis/message-codec';
import { PYTHON_MSGPACK } from '../backends/redis-common/python-msgpack';
import type { RedisConnection } from '../backends/redis-common/redis-connection';
import { EXPIRED } from '../backends/redis-common/deadline-script';
import {
  scriptOnce,
  type ScriptArgument,
} from '../backends/redis-common/slot-eval';
import {
  createConnections,
  shardCount,
} from '../backends/redis-common/redis-connections';
import { shardIndex } from '../backends/redis-common/shards';
import { inSlotOrder } from '../backends/redis-common/slot-order';
import { assertMessage } from '../assert-message';
import { assertGroupName } from '../channel-names';
import { DEFAULT_PROCESS_CAPACITY } from '../channel-layer.constants';
import { layerSettings, type LayerSettings } from '../layer-settings';
import {
  GroupHistory,
  type GroupHistoryOptions,
  type HistoryMessage,
  type HistorySince,
} from './group-history';
import { isHistoryId } from './history-id';
import { historyKey } from './history-key';
import { UnsentEntries } from './unsent-entries';
import { RedisPubSubChannelLayer } from '../backends/redis-pubsub/redis-pubsub-channel-layer';
import { RedisChannelLayer } from '../backends/redis/redis-channel-layer';
import {
  defineHistoryScripts,
  HISTORY_APPEND_LUA,
  HISTORY_PUBLISH_LUA,
} from './history-scripts';

/** What the publish script returns when the message reached too few subscribers to be kept. */
const UNDELIVERED = -2;

/** msgpack of the empty string: the placeholder value of the `id` entry. */
const EMPTY_STRING = 0xa0;

/** The key that ends the core layer's message head, as msgpack. */
const PACKED_CHANNEL_KEY = PYTHON_MSGPACK.pack(CHANNEL_KEY);

type StreamEntry = [id: Buffer, fields: Buffer[]];

/**
 * Group history in Redis: one capped stream per group (`XADD MAXLEN`, renewed
 * `EXPIRE`), on the shard (or Cluster slot) of the group's key or pub/sub
 * channel, through connections of its own.
 *
 * - `redis-pubsub`: one script stores the message and publishes it with its
 *   id, so history order and delivery order are one.
 * - `redis` on one shard, unencrypted, with one capacity: one script stores
 *   the message and runs the layer's fanout with the id (as the layer's own
 *   one-script group send), with scores made of the id.
 * - `redis` otherwise (shards, Cluster, encryption, capacity patterns), where
 *   the layer's group send takes several scripts: one script stores the
 *   message and returns its id, then the layer group-sends it with the id.
 *   With several processes sending at once, a member may then receive two
 *   messages in another order than their ids (channels_redis gives no order
 *   between senders either); the ids count the messages, so a receiver can
 *   put them back in order (the chat does). A message the layer fails to
 *   send is deleted from the history again (`UnsentEntries`).
 */
export class RedisGroupHistory extends GroupHistory {
  private readonly logger = new Logger(RedisGroupHistory.name);
  private readonly prefix: string;
  private readonly settings: LayerSettings;
  private readonly codec: MessageCodec;
  /** The one capacity of the core layer's one-script send, when it has one. */
  private readonly fanoutCapacity?: number;
  private readonly connections: RedisConnection[];
  private readonly gates: ShardGates;
  private readonly unsent: UnsentEntries;

  constructor(
    private readonly layer: ChannelLayer,
    private readonly layerOptions:
      RedisChannelLayerOptions | RedisPubSubChannelLayerOptions,
    private readonly options: GroupHistoryOptions,
  ) {
    super();
    this.settings = layerSettings(layerOptions);
    this.prefix = this.settings.prefix;
    this.codec = new MessageCodec(
      layerOptions.backend === 'redis'
        ? layerOptions.symmetricEncryptionKeys
        : [],
      options.ttl,
    );
    if (
      layerOptions.backend === 'redis' &&
      layerOptions.mode !== 'cluster' &&
      shardCount(layerOptions) === 1 &&
      !layerOptions.symmetricEncryptionKeys?.length
    ) {
      this.fanoutCapacity = this.settings.capacities.uniform;
    }
    this.connections = createConnections(
      layerOptions,
      'channels:history',
      this.logger,
      { backend: layerOptions.backend },
    );
    this.connections.forEach(({ client }) => defineHistoryScripts(client));
    this.gates = new ShardGates(this.connections, this.logger);
    this.unsent = new UnsentEntries(
      (index, key, entries) =>
        this.gates
          .of(index, key)
          .run((client) =>
            client.channelsHistoryForget(
              key,
              ...entries.flatMap(({ id, sha1 }) => [id, sha1]),
            ),
          ),
      this.logger,
    );
  }

  async groupSend(
    group: string,
    message: ChannelMessage,
  ): Promise<GroupSendResult & { id: string }> {
    assertGroupName(group);
    assertMessage(message);
    const { id: _previous, ...plain } = message;
    if (this.layerOptions.backend === 'redis-pubsub') {
      return this.publish(group, plain);
    }
    return this.fanoutCapacity === undefined
      ? this.appendThenSend(group, plain)
      : this.fanout(group, plain, this.layerOptions, this.fanoutCapacity);
  }

  async last(group: string, count: number): Promise<HistoryMessage[]> {
    if (count <= 0) {
      return [];
    }
    const { index, key } = this.streamOf(group);
    const entries = await this.gates
      .of(index, key)
      .run((client) => client.xrevrangeBuffer(key, '+', '-', 'COUNT', count));
    return entries.reverse().map((entry) => this.decode(entry));
  }

  async newestId(group: string): Promise<string | undefined> {
    const { index, key } = this.streamOf(group);
    const [newest] = await this.gates
      .of(index, key)
      .run((client) => client.xrevrangeBuffer(key, '+', '-', 'COUNT', 1));
    return newest?.[0].toString();
  }

  async since(group: string, id: string): Promise<HistorySince> {
    const { index, key } = this.streamOf(group);
    const valid = isHistoryId(id);
    const entries = await this.gates
      .of(index, key)
      .run((client) =>
        client.xrangeBuffer(
          key,
          valid ? id : '-',
          '+',
          'COUNT',
          this.options.size + 1,
        ),
      );
    const recovered = valid && entries[0]?.[0].toString() === id;
    return {
      recovered,
      messages: entries
        .slice(recovered ? 1 : 0)
        .map((entry) => this.decode(entry)),
    };
  }

  async ping(): Promise<void> {
    await this.gates.onEach((client) => client.ping());
  }

  async close(): Promise<void> {
    this.unsent.stop();
    this.gates.stop();
    await Promise.all(this.connections.map((connection) => connection.quit()));
  }

  private async publish(
    group: string,
    message: ChannelMessage,
  ): Promise<GroupSendResult & { id: string }> {
    const { index, key, name } = this.streamOf(group);
    const packed = PYTHON_MSGPACK.pack({ ...message, id: '' });
    if (packed[packed.length - 1] !== EMPTY_STRING) {
      throw new Error('msgpack did not end with the id placeholder');
    }
    const head = packed.subarray(0, -1);
    const value = this.codec.encode(message);
    const expected =
      this.layer instanceof RedisPubSubChannelLayer &&
      this.layer.hasMembers(group)
        ? 1
        : 0;
    const sharded = this.layerOptions.mode === 'cluster' ? '1' : '0';
    const [id, receivers] = await this.runScript(
      index,
      key,
      HISTORY_PUBLISH_LUA,
      (deadline) =>
        [
          value,
          this.options.size,
          this.options.ttl,
          name,
          head,
          sharded,
          deadline,
          expected,
        ] as const,
      (redis, args) => redis.channelsHistoryPublish(key, ...args),
      value.length + head.length,
    );
    if (id === EXPIRED) {
      throw this.connections[index].unavailable('Redis ran it too late');
    }
    if (id === UNDELIVERED) {
      // Not even this process, a subscriber, got it (a Cluster moving the
      // slot: the script followed the keys to a master not subscribed to).
      throw this.connections[index].unavailable(
        `published to ${receivers} subscribers, not stored`,
      );
    }
    return { accepted: receivers, full: 0, id: String(id) };
  }

  private async fanout(
    group: string,
    message: ChannelMessage,
    layer: RedisChannelLayerOptions,
    capacity: number,
  ): Promise<GroupSendResult & { id: string }> {
    const { key, name } = this.streamOf(group);
    const head = this.codec.encodeHead({ ...message, id: '' }, CHANNEL_KEY);
    const at = (head?.length ?? 0) - PACKED_CHANNEL_KEY.length - 1;
    if (!head || head[at] !== EMPTY_STRING) {
      throw new Error('msgpack did not hold the id placeholder');
    }
    const value = this.codec.encode(message);
    const [id, keys, full] = await this.gates
      .of(0, key)
      .run(
        (client, deadline) =>
          client.channelsHistoryFanout(
            key,
            name,
            value,
            this.options.size,
            this.options.ttl,
            this.settings.groupExpiry,
            this.settings.expiry,
            capacity,
            this.prefix,
            Math.max(
              capacity,
              layer.processCapacity ?? DEFAULT_PROCESS_CAPACITY,
            ),
            head.subarray(0, at),
            head.subarray(at + 1),
            deadline,
          ),
        value.length + head.length,
      );
    if (id === EXPIRED) {
      throw this.connections[0].unavailable('Redis ran it too late');
    }
    return { accepted: keys - full, full, id: String(id) };
  }

  /**
   * Runs a history script on the stream `key` of shard `index` once
   * (`scriptOnce`), through the shard's gate, in call order across a move
   * of its slot; `args` gets the script's deadline (counted from
   * `issuedAt`), `registered` runs it off a Cluster.
   */
  private runScript<A extends readonly ScriptArgument[], T>(
    index: number,
    key: string,
    lua: string,
    args: (deadline: number) => A,
    registered: (redis: Redis, args: A) => Promise<T>,
    bytes: number,
    issuedAt = Date.now(),
  ): Promise<T> {
    return inSlotOrder(this.connections[index], key, bytes, issuedAt, () =>
      this.gates.of(index, key).run(
        (client, deadline, away) => {
          const values = args(deadline);
          return scriptOnce(client, lua, key, values, deadline, away, (redis) =>
            registered(redis, values),
          );
        },
        bytes,
        1,
        issuedAt,
      ),
    );
  }

  private async appendThenSend(
    group: string,
    message: ChannelMessage,
  ): Promise<GroupSendResult & { id: string }> {
    const issuedAt = Date.now();
    const { index, key } = this.streamOf(group);
    const value = this.codec.encode(message);
    const reply = await this.runScript(
      index,
      key,
      HISTORY_APPEND_LUA,
      (deadline) =>
        [value, this.options.size, this.options.ttl, deadline] as const,
      (redis, args) => redis.channelsHistoryAppend(key, ...args),
      value.length,
      issuedAt,
    );
    if (reply === EXPIRED) {
      throw this.connections[index].unavailable('Redis ran it too late');
    }
    const id = String(reply);
    const stored = { ...message, id };
    try {
      // The store and the send have 5 s in all, as one group send has (a
      // layer of another class, a decorated one, gives its send 5 s more).
      const sent = await (this.layer instanceof RedisChannelLayer
        ? this.layer.groupSendIssuedAt(group, stored, issuedAt)
        : this.layer.groupSend(group, stored));
      return { ...sent, id };
    } catch (error) {
      // Not delivered, so not history either (again later while Redis is away).
      this.unsent.forget({
        index,
        key,
        id,
        sha1: createHash('sha1').update(value).digest('hex'),
      });
      throw error;
    }
  }

  /** The shard, stream key and delivery name (group key or pub/sub channel) of `group`. */
  private streamOf(group: string): {
    index: number;
    key: string;
    name: string;
  } {
    const pubsub = this.layerOptions.backend === 'redis-pubsub';
    // The shard each layer picks for the group: by group name (core), by
    // pub/sub channel name (pub/sub), as channels_redis does.
    const name = pubsub
      ? `${this.prefix}__group__${group}`
      : groupKey(this.prefix, group);
    const index = shardIndex(pubsub ? name : group, this.connections.length);
    return { index, key: historyKey(this.prefix, name), name };
  }

  private decode([id, fields]: StreamEntry): HistoryMessage {
    return { ...this.codec.decode(fields[1]), id: id.toString() };
  }
}
