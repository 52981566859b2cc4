import type { RedisOptions } from 'ioredis';
import type { RedisConnectionOptions } from '../../interfaces/channel-layer-options.interface';

/** A shard's master found through sentinels, with a name for logs (no password). */
export interface SentinelEndpoint {
  label: string;
  options: RedisOptions;
}

/** Where one shard's master is: a `redis://` URL, or a master name behind sentinels. */
export type RedisEndpoint = string | SentinelEndpoint;

/**
 * One endpoint per shard, in the order peers list their hosts: the URLs of a
 * standalone setup, or one per master name behind the sentinels. Not for a
 * Cluster, which is one client whatever its size.
 */
export function shardEndpoints(
  options: RedisConnectionOptions,
): RedisEndpoint[] {
  switch (options.mode) {
    case undefined:
    case 'standalone':
      return [...options.hosts];
    case 'sentinel': {
      const sentinels = options.hosts.map((url) => new URL(url));
      const first = sentinels[0];
      return options.masterNames.map((name) => ({
        label: `sentinel://${first?.host ?? ''}/${name}`,
        options: {
          name,
          sentinels: sentinels.map((url) => ({
            host: url.hostname,
            port: Number(url.port || 26379),
          })),
          sentinelUsername: decoded(first?.username),
          sentinelPassword:
            options.sentinelPassword ?? decoded(first?.password),
          password: options.password,
          enableTLSForSentinelMode: first?.protocol === 'rediss:',
          // A demoted master that stays up must not keep our connections:
          // sentinels announce the switch, and the client reconnects at once.
          failoverDetector: true,
        },
      }));
    }
    case 'cluster':
      throw new Error('a Redis Cluster has no shard endpoints');
  }
}

/** A URL component, percent-decoded; `undefined` when empty. */
function decoded(component: string | undefined): string | undefined {
  return component ? decodeURIComponent(component) : undefined;
}
