import type { Logger } from '@nestjs/common';
import { Redis, type Cluster, type RedisOptions } from 'ioredis';
import { channel } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { REDIS_RECONNECT_DIAGNOSTICS } from '../../channel-layer.constants';
import type { RedisEndpoint } from './redis-endpoints';

/** How long a command waits for a new client's first connection, in milliseconds. */
const FIRST_CONNECT_TIMEOUT_MS = 3_000;

/** Where re-established connections are announced, for metrics. */
const reconnects = channel(REDIS_RECONNECT_DIAGNOSTICS);

/** A connection to one Redis (standalone or behind sentinels), or a Redis Cluster client. */
export type RedisClient = Redis | Cluster;

/** Clients that have been ready at least once. */
const everReady = new WeakSet<RedisClient>();

/**
 * How long a command waits for its reply before it fails, in milliseconds:
 * a Redis that stops answering on a connection that stays open (a network
 * partition, a hung failover) must not leave a send waiting for TCP to give
 * up minutes later. Not for blocking reads, whose wait is their purpose.
 */
export const COMMAND_TIMEOUT_MS = 5_000;

/** Longest pause between reconnection attempts, in milliseconds. */
const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * A Redis connection for the channel layer that fails fast while Redis is
 * away: no offline queue (a send errors at once instead of piling up in
 * memory), no re-sending of unanswered commands after a reconnect (a message
 * is never written twice), and endless reconnection with capped backoff.
 */
export function createRedisClient(
  endpoint: RedisEndpoint,
  name: string,
  logger: Logger,
  extra: RedisOptions = {},
): Redis {
  const url = typeof endpoint === 'string' ? endpoint : endpoint.label;
  const settings: RedisOptions = {
    ...extra,
    connectionName: name,
    protocol: 2,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) =>
      Math.min(50 * 2 ** Math.min(attempt, 6), MAX_RECONNECT_DELAY_MS),
  };
  const client =
    typeof endpoint === 'string'
      ? new Redis(endpoint, settings)
      : new Redis({ ...endpoint.options, ...settings });
  watchReadiness(client, url, name, logger);
  return client;
}

/**
 * Logs when `client` loses Redis and when it is back (once each), and
 * remembers that it was ready once, for `whenReady` to fail fast afterwards.
 */
export function watchReadiness(
  client: RedisClient,
  url: string,
  name: string,
  logger: Logger,
): void {
  let down = false;
  client.on('error', (error: Error) => {
    if (!down) {
      down = true;
      logger.warn(
        `${name}: Redis at ${redactUrl(url)} unavailable: ${error.message}`,
      );
    }
  });
  client.on('reconnecting', () => {
    // Redis may drop a connection without an error (a subscriber over its
    // output-buffer limit, a `CLIENT KILL`): say so once, as for an error.
    if (!down && everReady.has(client)) {
      down = true;
      logger.warn(
        `${name}: connection to Redis at ${redactUrl(url)} lost; reconnecting`,
      );
    }
  });
  client.on('ready', () => {
    if (everReady.has(client)) {
      reconnects.publish({ connection: name });
    }
    everReady.add(client);
    if (down) {
      down = false;
      logger.log(`${name}: Redis at ${redactUrl(url)} is back`);
    }
  });
}

/** Per client, the wait for its first connection, shared by every caller. */
const firstConnections = new WeakMap<RedisClient, Promise<void>>();

/**
 * Resolves when `client` can take commands. A client that has never
 * connected gets a short grace period for its first connection (a layer used
 * right after it is created); one that was connected and lost Redis fails at
 * once, so callers fail fast during an outage. Callers waiting together
 * share one wait, so a burst of commands adds no listener per command.
 */
export async function whenReady(
  client: RedisClient,
  signal?: AbortSignal,
): Promise<void> {
  if (client.status === 'ready') {
    return;
  }
  if (everReady.has(client)) {
    throw new Error(`Redis connection is ${client.status}`);
  }
  const first = firstConnection(client);
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

/** The shared wait for `client`'s first connection; a failed one is retried by the next caller. */
function firstConnection(client: RedisClient): Promise<void> {
  let first = firstConnections.get(client);
  if (!first) {
    first = once(client, 'ready', {
      signal: AbortSignal.timeout(FIRST_CONNECT_TIMEOUT_MS),
    }).then(
      () => undefined,
      (error: unknown) => {
        firstConnections.delete(client);
        throw new Error(
          `Redis did not answer within ${FIRST_CONNECT_TIMEOUT_MS} ms of starting`,
          { cause: error },
        );
      },
    );
    firstConnections.set(client, first);
  }
  return first;
}

/** Resolves once `client` is (again) connected, however long that takes. */
export async function untilReady(
  client: RedisClient,
  signal: AbortSignal,
): Promise<void> {
  if (client.status !== 'ready') {
    await once(client, 'ready', { signal });
  }
}

/** The URL without its password, for logs and errors. */
export function redactUrl(url: string): string {
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
