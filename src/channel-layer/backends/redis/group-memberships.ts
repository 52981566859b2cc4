import type { Logger } from '@nestjs/common';
import { ChannelLayerUnavailableError } from '../../errors';
import { groupKey } from './group-key';
import type { RedisShards } from './redis-shards';
import { nextScore } from './scores';

/**
 * The group memberships of this process's own channels, kept in memory so
 * that a shard which comes back empty (a restarted Redis) gets them again,
 * and renewed every half `groupExpiry` while their channel lives: otherwise
 * connected consumers would silently stop receiving group messages. A
 * channel's memberships are forgotten with the channel, so those of a process
 * that died still lapse after `groupExpiry`.
 */
export class GroupMemberships {
  private readonly memberships = new Map<string, Set<string>>();
  /** Per shard, the restoration of memberships after its last (re)connection. */
  private readonly restoring: Array<Promise<void>> = [];
  private readonly refresher: NodeJS.Timeout;

  /**
   * @param prefix the layer's key prefix.
   * @param groupExpiry seconds a membership lasts, renewed on restoration.
   */
  constructor(
    private readonly shards: RedisShards,
    private readonly prefix: string,
    private readonly groupExpiry: number,
    private readonly logger: Logger,
  ) {
    this.refresher = setInterval(
      () => this.refresh(),
      Math.min((groupExpiry * 1000) / 2, 2 ** 31 - 1), // setInterval's limit
    );
    this.refresher.unref(); // renewing memberships must not keep the process alive
  }

  /** Stops renewing memberships (the layer is closing). */
  stop(): void {
    clearInterval(this.refresher);
  }

  /** Records that `channel`, one of this process's, joined `group`. */
  remember(group: string, channel: string): void {
    let channels = this.memberships.get(group);
    if (!channels) {
      channels = new Set();
      this.memberships.set(group, channels);
    }
    channels.add(channel);
  }

  /** Records that `channel` left `group`; a group with no local member is forgotten. */
  discard(group: string, channel: string): void {
    const channels = this.memberships.get(group);
    if (channels?.delete(channel) && channels.size === 0) {
      this.memberships.delete(group);
    }
  }

  /** Forgets every membership of a released channel. */
  forget(channel: string): void {
    for (const group of [...this.memberships.keys()]) {
      this.discard(group, channel);
    }
  }

  /** Starts restoring shard `index`'s memberships, once it has (re)connected. */
  restoreOnReady(index: number): void {
    const restoring = this.restore(index);
    restoring.catch(() => undefined);
    this.restoring[index] = restoring;
  }

  /** Waits for the shard's memberships to be back, restoring them again if that failed. */
  async restored(index: number): Promise<void> {
    try {
      await this.restoring[index];
    } catch {
      this.restoring[index] = this.restore(index);
      await this.restoring[index];
    }
  }

  /** Renews every membership on every shard; a shard that fails is renewed on the next round. */
  private refresh(): void {
    for (let index = 0; index < this.shards.count; index++) {
      this.restore(index).catch(() => undefined);
    }
  }

  /** Re-adds this process's memberships on a shard that (re)connected: a restarted Redis lost them. */
  private async restore(index: number): Promise<void> {
    // Plain commands, auto-pipelined into one write: on a Cluster a pipeline
    // may not mix slots, and each group is a key of its own.
    const client = this.shards.client(index);
    const writes: Array<Promise<unknown>> = [];
    let count = 0;
    for (const [group, channels] of this.memberships) {
      if (this.shards.shardOf(group) === index && channels.size > 0) {
        const key = groupKey(this.prefix, group);
        const now = nextScore();
        writes.push(
          client
            .multi()
            .zadd(key, ...[...channels].flatMap((channel) => [now, channel]))
            .expire(key, this.groupExpiry)
            .exec(),
        );
        count += channels.size;
      }
    }
    if (count === 0) {
      return;
    }
    try {
      await Promise.all(writes);
    } catch (error) {
      this.logger.warn(
        `could not restore ${count} group memberships: ${String(error)}`,
      );
      throw new ChannelLayerUnavailableError('redis', error);
    }
  }
}
