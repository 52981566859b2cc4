import { ChannelLayerUnavailableError } from '../../errors';
import type { SentAway } from '../redis-common/command-gate';
import { inTime } from '../redis-common/deadline-script';
import {
  DEFAULT_WAITING_LIMITS,
  TurnBatches,
} from '../redis-common/turn-batches';
import type { RedisClient } from '../redis-common/redis-connection';
import { evalCommand, redirected } from '../redis-common/slot-eval';
import type { RedisShards } from './redis-shards';
import { WRITES_LUA } from './redis-scripts';

/** One write of `WRITES_LUA`: a `send` to a channel key, or a whole group send (`fanout`). */
export interface ShardWrite {
  readonly kind: 's' | 'f';
  /** The channel key (`s`) or the group key (`f`). */
  readonly key: string;
  /** The message's score (`nextScore`). */
  readonly score: string;
  /** The channel key's capacity; for a group send, a channel's. */
  readonly capacity: number;
  /** The message (`s`), or its head (`f`, see `MessageCodec.encodeHead`). */
  readonly value: Buffer;
}

/** A send's reply: 1, or 0 when full; a group send's: destination keys and those that were full. */
export type ShardWriteReply = number | [keys: number, full: number];

/** The layer's settings every write of a batch shares. */
export interface ShardWriteSettings {
  readonly expiry: number;
  readonly groupExpiry: number;
  readonly prefix: string;
  readonly processCapacity: number;
}

/**
 * Writes per script run at most: a group send to a large group adds to many
 * keys, and a script holds Redis alone while it runs.
 */
const WRITE_BATCH_LIMITS = {
  maxCalls: 16,
  maxBytes: 1024 * 1024,
  ...DEFAULT_WAITING_LIMITS,
};

/**
 * The message writes of a `RedisChannelLayer` (sends, and group sends that
 * one script does whole): each shard's writes of one event-loop turn go as
 * one `WRITES_LUA` run, in call order (`TurnBatches`). On a Cluster, where a
 * script may touch one slot only, each write is a run of its own, and one
 * redirected away from its auto-pipeline is sent on (`redirected`).
 */
export class ShardWrites {
  private readonly batches: TurnBatches<ShardWrite, ShardWriteReply>[];

  constructor(
    private readonly shards: RedisShards,
    private readonly settings: ShardWriteSettings,
  ) {
    this.batches = shards.cluster
      ? []
      : Array.from(
          { length: shards.count },
          (_, index) =>
            new TurnBatches<ShardWrite, ShardWriteReply>(
              (writes, bytes, issuedAt) =>
                this.issue(index, writes, bytes, issuedAt),
              WRITE_BATCH_LIMITS,
              (cause) => new ChannelLayerUnavailableError('redis', cause),
              'writes',
            ),
        );
  }

  /** Sends `value` to the channel key `key` on shard `index`: 1, or 0 when it is full. */
  send(
    index: number,
    key: string,
    value: Buffer,
    score: string,
    capacity: number,
  ): Promise<number> {
    return this.write(index, {
      kind: 's',
      key,
      value,
      score,
      capacity,
    }) as Promise<number>;
  }

  /** The whole group send to the group key `key` (one shard, see `FANOUT_LUA`). */
  fanout(
    key: string,
    head: Buffer,
    score: string,
    capacity: number,
  ): Promise<[keys: number, full: number]> {
    return this.write(0, {
      kind: 'f',
      key,
      value: head,
      score,
      capacity,
    }) as Promise<[number, number]>;
  }

  /** Fails with `ChannelLayerUnavailableError` as `RedisShards.run` does, and when Redis ran it too late. */
  private write(index: number, write: ShardWrite): Promise<ShardWriteReply> {
    const batches = this.batches[index];
    return batches
      ? batches.add(write, write.value.length)
      : this.issue(index, [write], write.value.length).then(([reply]) => reply);
  }

  /**
   * On a Cluster: sends each of `writes` (keys of any slots) as a run of its
   * own, through its master's gate, auto-pipelined per node. Resolves with 1,
   * or 0 for a full key, per write; fails if any write fails (the others may
   * have been made). Their deadlines count from `issuedAt`.
   */
  sendEach(writes: ShardWrite[], issuedAt: number): Promise<number[]> {
    return Promise.all(
      writes.map((write) =>
        this.issue(0, [write], write.value.length, issuedAt).then(
          ([reply]) => reply as number,
        ),
      ),
    );
  }

  private async issue(
    index: number,
    writes: ShardWrite[],
    bytes: number,
    issuedAt?: number,
  ): Promise<ShardWriteReply[]> {
    const replies = await this.shards.run(
      index,
      (client, deadline, away) => this.script(client, writes, deadline, away),
      bytes,
      writes.length,
      writes[0].key,
      issuedAt,
    );
    return inTime(replies, 'redis');
  }

  /** One `WRITES_LUA` run of `writes`. */
  private script(
    client: RedisClient,
    writes: ShardWrite[],
    deadline: number,
    away: SentAway,
  ): Promise<ShardWriteReply[] | -1> {
    const { expiry, groupExpiry, prefix, processCapacity } = this.settings;
    const shared = [deadline, expiry, groupExpiry, prefix, processCapacity];
    const args: Array<string | number | Buffer> = [];
    for (const { kind, score, capacity, value } of writes) {
      args.push(kind, score, capacity, value);
    }
    if (writes.length === 1) {
      const [{ key }] = writes;
      return redirected(
        client,
        client.channelsWrite(key, ...shared, ...args),
        () => evalCommand(WRITES_LUA, [key], [...shared, ...args]),
        deadline,
        away,
      );
    }
    return client.channelsWrites(
      writes.length,
      ...writes.map((write) => write.key),
      ...shared,
      ...args,
    );
  }
}
