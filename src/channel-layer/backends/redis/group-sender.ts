import type { Logger } from '@nestjs/common';
import type { CapacityRules } from '../../capacity';
import { nonLocalName } from '../../channel-names';
import type { ChannelMessage } from '../../interfaces/channel-message.interface';
import type { GroupSendResult } from '../../interfaces/group-send-result.interface';
import { clusterGroupSend, type GroupBatch } from './cluster-group-send';
import { groupKey } from './group-key';
import { CHANNEL_KEY, type MessageCodec } from './message-codec';
import { inTime } from '../redis-common/deadline-script';
import { evalCommand, redirected } from '../redis-common/slot-eval';
import { GROUP_MEMBERS_LUA } from './redis-scripts';
import type { RedisShards } from './redis-shards';
import type { ShardWrites } from './shard-writes';
import { nextScore } from './scores';

/**
 * `groupSend` of a `RedisChannelLayer`: one message per destination key, as
 * channels_redis 4.0 writes it, full keys skipped. With one shard, no
 * encryption and one capacity the whole send is one write (`ShardWrites`,
 * which runs a turn's writes as one script); otherwise
 * it takes two round trips, the members first, then each shard's share (on
 * a Cluster, one command per destination key, pipelined per node).
 */
export class GroupSender {
  /**
   * @param prefix the layer's key prefix.
   * @param expiry seconds a message lasts.
   * @param groupExpiry seconds a membership lasts.
   * @param processCapacity messages a process's key holds for all its channels.
   */
  constructor(
    private readonly shards: RedisShards,
    private readonly writes: ShardWrites,
    private readonly codec: MessageCodec,
    private readonly capacities: CapacityRules,
    private readonly prefix: string,
    private readonly expiry: number,
    private readonly groupExpiry: number,
    private readonly processCapacity: number,
    private readonly logger: Logger,
  ) {}

  /** Sends `message` to every member of `group`; members that are full are skipped. */
  async send(group: string, message: ChannelMessage): Promise<GroupSendResult> {
    const capacity = this.capacities.uniform;
    const head =
      this.shards.count === 1 && !this.shards.cluster && capacity !== undefined
        ? this.codec.encodeHead(message, CHANNEL_KEY)
        : undefined;
    if (head && capacity !== undefined) {
      // One shard, no encryption, one capacity: the whole send in one script.
      const [keys, full] = await this.writes.fanout(
        groupKey(this.prefix, group),
        head,
        nextScore(),
        capacity,
      );
      return this.result(keys, full, group);
    }
    return this.sendByShard(group, message, Date.now());
  }

  /**
   * The two-round-trip send: read the members, then send each shard its
   * batch; both count their deadlines from `issuedAt` (Unix ms), the send's
   * start. It works with any shards, and is used on its own by a caller
   * whose send began earlier (`RedisChannelLayer.groupSendIssuedAt`).
   */
  async sendByShard(
    group: string,
    message: ChannelMessage,
    issuedAt: number,
  ): Promise<GroupSendResult> {
    const key = groupKey(this.prefix, group);
    const members = await this.shards.run(
      this.shards.shardOf(group),
      (client, deadline, away) => {
        const args = [nextScore(), this.groupExpiry] as const;
        return redirected(
          client,
          client.channelsGroupMembers(key, ...args),
          () => evalCommand(GROUP_MEMBERS_LUA, [key], args),
          deadline,
          away,
        );
      },
      undefined,
      undefined,
      key,
      issuedAt,
    );
    const byShard = this.plan(members, message);
    const now = nextScore();
    const fulls = await Promise.all(
      [...byShard].map(async ([index, batch]) => {
        if (this.shards.cluster) {
          return clusterGroupSend(this.writes, batch, now, issuedAt);
        }
        const { keys, values, capacities } = batch;
        const full = await this.shards.run(
          index,
          (client, deadline) =>
            client.channelsGroupSend(
              keys.length,
              ...keys,
              ...values,
              ...capacities,
              now,
              this.expiry,
              deadline,
            ),
          values.reduce((sum, value) => sum + value.length, 0),
          undefined,
          undefined,
          issuedAt,
        );
        return inTime(full, 'redis');
      }),
    );
    const full = fulls.reduce((sum, count) => sum + count, 0);
    const keys = [...byShard.values()].reduce(
      (sum, batch) => sum + batch.keys.length,
      0,
    );
    return this.result(keys, full, group);
  }

  /** One message per destination key, carrying the list of its channels (as channels_redis 4.0). */
  private plan(
    members: string[],
    message: ChannelMessage,
  ): Map<number, GroupBatch> {
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
    const byShard = new Map<number, GroupBatch>();
    for (const [key, channels] of channelsByKey) {
      const index = this.shards.shardOf(key.slice(this.prefix.length));
      let batch = byShard.get(index);
      if (!batch) {
        batch = { keys: [], values: [], capacities: [] };
        byShard.set(index, batch);
      }
      batch.keys.push(key);
      batch.values.push(
        this.codec.encode({ ...message, [CHANNEL_KEY]: channels }),
      );
      const capacity = this.capacities.capacityOf(channels[0]);
      batch.capacities.push(
        key.endsWith('!') ? Math.max(capacity, this.processCapacity) : capacity,
      );
    }
    return byShard;
  }

  private result(keys: number, full: number, group: string): GroupSendResult {
    if (full > 0) {
      this.logger.debug?.(
        `${full} channel keys over capacity in group ${group}`,
      );
    }
    return { accepted: keys - full, full };
  }
}
