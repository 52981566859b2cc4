import type { Logger } from '@nestjs/common';
import { ChannelLayerClosedError } from '../../errors';
import type { ChannelMessage } from '../../interfaces/channel-message.interface';
import type { MessageCodec } from './message-codec';
import type { RedisConnection } from '../redis-common/redis-connection';

type Popped = [key: Buffer, member: Buffer, score: Buffer] | null;

/** A BZPOPMIN on its way, and the connection it is on. */
interface InFlightPop {
  readonly connection: RedisConnection;
  readonly pop: Promise<Popped>;
}

/** Seconds each BZPOPMIN waits on one shard before trying the next. */
const SHARD_TIMEOUT_S = 1;

/** Mirrors `promise`, but rejects with the abort reason as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) {
    return promise;
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * `receive` on a named, non-process-local channel (`worker.tasks`), which any
 * process may consume: as channels_redis does, it cycles the shards with
 * BZPOPMIN, on connections of its own per waiting receive. When a receive is
 * aborted mid-pop, a message that pop took is put back with its score, so no
 * message is lost to cancellation.
 */
export class SharedReceiver {
  private readonly connections = new Set<RedisConnection>();
  private closed = false;
  private nextShard = 0;

  /** @param connect fresh connections, one per shard, for one receive. */
  constructor(
    private readonly connect: () => RedisConnection[],
    private readonly codec: MessageCodec,
    private readonly logger: Logger,
  ) {}

  async receive(key: string, signal?: AbortSignal): Promise<ChannelMessage> {
    signal?.throwIfAborted();
    const connections = this.connect();
    connections.forEach((connection) => this.connections.add(connection));
    let inFlight: InFlightPop | undefined;
    try {
      for (;;) {
        const connection = connections[this.nextShard++ % connections.length];
        const failed = (error: unknown): never => {
          throw this.failure(error, connection, signal);
        };
        await connection.whenReady(signal).catch(failed);
        const pop = connection.client.bzpopminBuffer(
          key,
          connections.length === 1 ? 5 : SHARD_TIMEOUT_S,
        );
        inFlight = { connection, pop };
        const popped = await abortable(pop, signal).catch(failed);
        inFlight = undefined;
        if (popped) {
          return this.codec.decode(popped[1]);
        }
      }
    } finally {
      void this.release(connections, key, inFlight);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const connection of this.connections) {
      connection.disconnect();
    }
    this.connections.clear();
  }

  /**
   * What a receive rejects with: the abort's reason as it is, once closed
   * `ChannelLayerClosedError`, else (Redis away, a connection lost mid-pop)
   * the backend's `ChannelLayerUnavailableError`, as every other operation.
   */
  private failure(
    error: unknown,
    connection: RedisConnection,
    signal?: AbortSignal,
  ): unknown {
    if (signal?.aborted && error === signal.reason) {
      return error;
    }
    return this.closed
      ? new ChannelLayerClosedError()
      : connection.unavailable(error);
  }

  /** Puts back what an interrupted pop took, then drops the connections. */
  private async release(
    connections: RedisConnection[],
    key: string,
    inFlight?: InFlightPop,
  ): Promise<void> {
    const popped = await inFlight?.pop.catch(() => null);
    if (inFlight && popped) {
      await inFlight.connection.client
        .zadd(key, popped[2].toString(), popped[1])
        .catch((error: unknown) =>
          this.logger.error(`lost a message of ${key}: ${String(error)}`),
        );
    }
    for (const connection of connections) {
      this.connections.delete(connection);
      connection.disconnect();
    }
  }
}
