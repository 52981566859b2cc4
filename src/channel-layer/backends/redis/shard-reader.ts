import type { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChannelLayerClosedError } from '../../errors';
import { DEFAULT_COMMAND_LIMITS } from '../redis-common/command-gate';
import type {
  RedisClient,
  RedisConnection,
} from '../redis-common/redis-connection';

/** Seconds one BZMPOP waits before it looks at the key set again. */
const BLOCK_TIMEOUT_S = 2;
/** Messages taken at most per round trip. */
const POP_BATCH = 1_000;
const MAX_BACKOFF_MS = 2_000;
/** Length of a `sync` marker; a real message is longer (12-byte prefix + msgpack map). */
const MARKER_BYTES = 8;
/** How long `sync` waits for its marker, from the call: a command's deadline. */
const MARKER_WAIT_MS = DEFAULT_COMMAND_LIMITS.timeoutMs;

/**
 * The one blocking receive loop of a process on one shard: one BZMPOP (Redis
 * 7) on the process's keys both waits and takes up to `POP_BATCH` queued
 * messages, one write to Redis per batch, and every raw message goes to
 * `deliver`. While Redis
 * is away it waits for the connection to be ready again; other errors back
 * off, capped.
 */
export class ShardReader {
  private readonly controller = new AbortController();
  private readonly done: Promise<void>;
  /** Markers in flight for `sync`, by their bytes in hex. */
  private readonly markers = new Map<string, () => void>();
  private readonly client: RedisClient;

  constructor(
    private readonly connection: RedisConnection,
    private readonly keys: () => string[],
    private readonly deliver: (raw: Buffer) => void,
    private readonly logger: Logger,
  ) {
    this.client = connection.client;
    this.done = this.run();
  }

  /**
   * Resolves once everything this reader popped before the call has been
   * delivered: `write` puts a marker on one of its keys (through another
   * connection; the reader's is blocked), and the marker comes back in order.
   * Fails with `ChannelLayerUnavailableError` when the marker is not back
   * within `MARKER_WAIT_MS` of the call (the reader's connection is down),
   * and with `ChannelLayerClosedError` once the reader is stopped.
   */
  async sync(write: (marker: Buffer) => Promise<unknown>): Promise<void> {
    if (this.controller.signal.aborted) {
      throw new ChannelLayerClosedError();
    }
    const started = Date.now();
    const marker = randomBytes(MARKER_BYTES).toString('hex');
    const reached = new Promise<void>((resolve) =>
      this.markers.set(marker, resolve),
    );
    let timer: NodeJS.Timeout | undefined;
    try {
      // A write that fails says so itself (its own deadline is the same).
      await write(Buffer.from(marker, 'hex'));
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(
          () =>
            reject(
              this.connection.unavailable(
                `the reader did not take its marker back within ${MARKER_WAIT_MS} ms`,
              ),
            ),
          started + MARKER_WAIT_MS - Date.now(),
        );
        timer.unref(); // a flush must not keep the process alive
        void reached.then(resolve);
      });
    } finally {
      clearTimeout(timer);
      this.markers.delete(marker);
    }
  }

  /** Stops the loop and closes its connection. */
  async stop(): Promise<void> {
    this.controller.abort();
    this.connection.disconnect();
    await this.done;
    for (const resolve of this.markers.values()) {
      resolve();
    }
    this.markers.clear();
  }

  /**
   * Delivers one popped value, or resolves the `sync` it marks. A marker
   * no `sync` waits for (its wait ran out before the reader took it back)
   * is dropped: it is no message.
   */
  private take(raw: Buffer): void {
    if (raw.length === MARKER_BYTES) {
      const key = raw.toString('hex');
      this.markers.get(key)?.();
      this.markers.delete(key);
      return;
    }
    this.deliver(raw);
  }

  private async run(): Promise<void> {
    const { signal } = this.controller;
    let backoffMs = 50;
    let first = 0;
    while (!signal.aborted) {
      try {
        await this.connection.untilReady(signal);
        const keys = this.keys();
        // BZMPOP takes from the first key that has messages: starting from
        // another key each time, a flooded one does not hold the others back.
        first = (first + 1) % keys.length;
        const popped = (await this.client.callBuffer(
          'BZMPOP',
          BLOCK_TIMEOUT_S,
          keys.length,
          ...keys.slice(first),
          ...keys.slice(0, first),
          'MIN',
          'COUNT',
          POP_BATCH,
        )) as [key: Buffer, entries: [member: Buffer, score: Buffer][]] | null;
        for (const [member] of popped?.[1] ?? []) {
          this.take(member);
        }
        backoffMs = 50;
      } catch (error) {
        if (signal.aborted) {
          return;
        }
        this.logger.warn(`shard reader: ${String(error)}`);
        await sleep(backoffMs, undefined, { signal }).catch(() => undefined);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      }
    }
  }
}
