import type { Logger } from '@nestjs/common';
import type { RedisConnectionOptions } from '../../interfaces/channel-layer-options.interface';
import {
  createClusterConnection,
  createConnections,
} from '../redis-common/redis-connections';
import type { RedisShards } from './redis-shards';
import { ShardReader } from './shard-reader';
import { evalCommand, redirected } from '../redis-common/slot-eval';
import { MARKER_LUA } from './redis-scripts';
import { nextScore } from './scores';

/**
 * The blocking readers of this process's own keys (`<prefix>specific.<id>!`
 * and one per other channel prefix). On standalone servers and behind
 * sentinels, one reader per shard waits on all of them at once. On a Cluster
 * a BZMPOP may not span slots, so each key gets a reader of its own, on a
 * Cluster connection that sends it to the key's node and follows the key
 * when a failover or a migration moves its slot.
 */
export class ProcessReaders {
  private readonly keys = new Set<string>();
  /** Standalone and sentinel: by shard index. Cluster: by key. */
  private readonly readers = new Map<number | string, ShardReader>();
  private readonly perKey: boolean;

  /**
   * @param defaultKey the process's `specific` key, a marker's way back in `sync`.
   * @param deliver called with every raw message popped.
   */
  constructor(
    private readonly connection: RedisConnectionOptions,
    private readonly defaultKey: string,
    private readonly deliver: (raw: Buffer) => void,
    private readonly logger: Logger,
  ) {
    this.perKey = connection.mode === 'cluster';
    if (!this.perKey) {
      createConnections(connection, 'channels:reader', logger, {
        backend: 'redis',
      }).forEach((reader, index) =>
        this.readers.set(
          index,
          new ShardReader(reader, () => [...this.keys], deliver, logger),
        ),
      );
    }
    this.watch(defaultKey);
  }

  /** Starts reading `key` too. */
  watch(key: string): void {
    if (this.keys.has(key)) {
      return;
    }
    this.keys.add(key);
    if (this.perKey && this.connection.mode === 'cluster') {
      const reader = createClusterConnection(
        this.connection,
        `channels:reader:${this.keys.size - 1}`,
        this.logger,
        { backend: 'redis' },
      );
      this.readers.set(
        key,
        new ShardReader(reader, () => [key], this.deliver, this.logger),
      );
    }
  }

  /**
   * Resolves once everything every reader popped before the call has been
   * delivered, or fails 5 s after a marker's write was issued (see
   * `ShardReader.sync`); the marker gets a message's score, and its key
   * `expiry` (s), as a send gives them (`MARKER_LUA`). Only the marker's
   * write goes through the shard's gate: a reader that is slow to take it
   * back (its connection down) must not make the gate cut the writers'
   * connection, which answered.
   */
  async sync(shards: RedisShards, expiry: number): Promise<void> {
    await Promise.all(
      [...this.readers].map(([id, reader]) => {
        const index = typeof id === 'number' ? id : 0;
        const key = typeof id === 'string' ? id : this.defaultKey;
        return reader.sync((marker) => {
          const score = nextScore();
          return shards.run(
            index,
            (client, deadline, away) =>
              redirected(
                client,
                client.channelsMarker(key, marker, expiry, score),
                () => evalCommand(MARKER_LUA, [key], [marker, expiry, score]),
                deadline,
                away,
              ),
            undefined,
            undefined,
            key,
          );
        });
      }),
    );
  }

  /** Stops every reader and closes its connection. */
  async stop(): Promise<void> {
    await Promise.all(
      [...this.readers.values()].map((reader) => reader.stop()),
    );
  }
}
