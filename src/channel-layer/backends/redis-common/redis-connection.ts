import type { Logger } from '@nestjs/common';
import { Cluster, type Redis } from 'ioredis';
import { channel } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { REDIS_RECONNECT_DIAGNOSTICS } from '../../channel-layer.constants';
import { ChannelLayerUnavailableError } from '../../errors';
import { mastersReady } from './cluster-slots';
import { DEFAULT_COMMAND_LIMITS } from './command-gate';

/**
 * How long a command waits for a new client's first connection, in
 * milliseconds: a command's own deadline from issue (README, "Deadlines from
 * issue time"). A Cluster client is ready only once it has read the slots
 * and checked the cluster's state, which a busy machine can stretch past 3 s.
 */
const FIRST_CONNECT_TIMEOUT_MS = DEFAULT_COMMAND_LIMITS.timeoutMs;

/** Where re-established connections are announced, for metrics. */
const reconnects = channel(REDIS_RECONNECT_DIAGNOSTICS);

/** A connection to one Redis (standalone or behind sentinels), or a Redis Cluster client. */
export type RedisClient = Redis | Cluster;

/**
 * One ioredis client of the layer (a Redis, or a whole Cluster) and what the
 * layer asks of it besides commands: the wait for its first connection, the
 * `ChannelLayerUnavailableError` of its backend when Redis is away, logs
 * when it loses Redis and gets it back, and quitting.
 */
export class RedisConnection<C extends RedisClient = RedisClient> {
  private everReady = false;
  private down = false;
  /** The wait for the first connection, shared by every caller. */
  private firstConnection?: Promise<void>;
  /** Whether that wait is still on: callers then queue behind it, even once the client says ready. */
  private firstPending = false;

  /**
   * @param url where it connects, for logs (its password is left out).
   * @param name the connection's name, as `CLIENT LIST` shows it.
   * @param backend the backend its errors name: `redis` or `redis-pubsub`.
   */
  constructor(
    readonly client: C,
    url: string,
    readonly name: string,
    readonly backend: string,
    logger: Logger,
  ) {
    this.watch(redactUrl(url), logger);
    if (client instanceof Cluster) {
      // Its first commands wait for the masters' own connections, whenever they come.
      this.firstConnect().catch(() => undefined);
    }
  }

  /**
   * Resolves when the client can take commands. A client that has never
   * connected gets a short grace period for its first connection (a layer
   * used right after it is created); one that was connected and lost Redis
   * fails at once, so callers fail fast during an outage. Callers waiting
   * together share one wait, so a burst of commands adds no listener per
   * command.
   */
  async whenReady(signal?: AbortSignal): Promise<void> {
    if (this.client.status === 'ready' && !this.firstPending) {
      return;
    }
    if (this.everReady && !this.firstPending) {
      throw new Error(`Redis connection is ${this.client.status}`);
    }
    const first = this.firstConnect();
    if (!signal) {
      return first;
    }
    signal.throwIfAborted();
    let onAbort = (): void => undefined;
    try {
      await Promise.race([
        first,
        new Promise<never>((_, reject) => {
          onAbort = () => reject(signal.reason as Error);
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Resolves once the client is (again) connected, however long that takes. */
  async untilReady(signal: AbortSignal): Promise<void> {
    if (this.client.status !== 'ready') {
      await once(this.client, 'ready', { signal });
    }
  }

  /**
   * Runs `call` once the client is ready; a connection that is not, and a
   * failed call, reject with `ChannelLayerUnavailableError`.
   */
  async run<T>(call: (client: C) => Promise<T>): Promise<T> {
    try {
      await this.whenReady();
      return await call(this.client);
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  /** The error of this connection's backend for an operation Redis did not take. */
  unavailable(cause: unknown): ChannelLayerUnavailableError {
    return new ChannelLayerUnavailableError(this.backend, cause);
  }

  /**
   * Closes the client gracefully when Redis answers, then releases what QUIT
   * leaves open: a sentinel client's connections to the sentinels.
   */
  async quit(): Promise<void> {
    await this.client.quit().catch(() => undefined);
    this.client.disconnect();
  }

  /** Closes the client at once, failing what it has not answered. */
  disconnect(): void {
    this.client.disconnect();
  }

  /** The shared wait for the first connection; a failed one is retried by the next caller. */
  private firstConnect(): Promise<void> {
    if (!this.firstConnection) {
      this.firstPending = true;
      this.firstConnection = this.connectFirst(
        AbortSignal.timeout(FIRST_CONNECT_TIMEOUT_MS),
      ).then(
        () => {
          this.firstPending = false;
        },
        (error: unknown) => {
          this.firstPending = false;
          this.firstConnection = undefined;
          throw new Error(
            `Redis did not answer within ${FIRST_CONNECT_TIMEOUT_MS} ms of starting`,
            { cause: error },
          );
        },
      );
    }
    return this.firstConnection;
  }

  private async connectFirst(signal: AbortSignal): Promise<void> {
    if (this.client.status !== 'ready') {
      await once(this.client, 'ready', { signal });
    }
    if (this.client instanceof Cluster) {
      // A Cluster is ready once it knows its slots; its commands need the
      // masters' own connections too. A master that does not come in time
      // is left to fail its own commands.
      await mastersReady(this.client, signal).catch(() => undefined);
    }
  }

  /**
   * Logs when the client loses Redis and when it is back (once each), and
   * remembers that it was ready once, for `whenReady` to fail fast afterwards.
   */
  private watch(url: string, logger: Logger): void {
    this.client.on('error', (error: Error) => {
      if (!this.down) {
        this.down = true;
        logger.warn(
          `${this.name}: Redis at ${url} unavailable: ${error.message}`,
        );
      }
    });
    this.client.on('reconnecting', () => {
      // Redis may drop a connection without an error (a subscriber over its
      // output-buffer limit, a `CLIENT KILL`): say so once, as for an error.
      if (!this.down && this.everReady) {
        this.down = true;
        logger.warn(
          `${this.name}: connection to Redis at ${url} lost; reconnecting`,
        );
      }
    });
    this.client.on('ready', () => {
      if (this.everReady) {
        reconnects.publish({ connection: this.name });
      }
      this.everReady = true;
      if (this.down) {
        this.down = false;
        logger.log(`${this.name}: Redis at ${url} is back`);
      }
    });
  }
}

/** The URL without its password, for logs and errors. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      parsed.password = '***';
    }
    return parsed.toString();
  } catch {
    return 'redis://(invalid URL)';
  }
}
