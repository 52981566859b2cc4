import { Redis, type Cluster } from 'ioredis';
import { nodeByKey } from './cluster-slots';

/** Connections of the layer's own to nodes a Cluster client has none to, by client, then by node. */
const spares = new WeakMap<Cluster, Map<string, Redis>>();

/**
 * The connection to the node `key` (`host:port`) that a redirection names:
 * `cluster`'s own, or, for a node the client has none to, one of the
 * layer's own. That is a master added to the Cluster that serves no slot
 * yet, while a slot moves to it (`ASK`): ioredis lists only the nodes that
 * serve slots, and drops any other at each reread of the slot table (every
 * second), which would cut a command in flight there. Written by hand for
 * that reason. A spare has the client's options, is closed once the client
 * has a connection of its own to the node, and when the client ends; so
 * there is at most one per node of the Cluster.
 */
export function redirectionNode(cluster: Cluster, key: string): Redis {
  const own = nodeByKey(cluster, key);
  let byKey = spares.get(cluster);
  const spare = byKey?.get(key);
  if (own) {
    if (spare) {
      byKey?.delete(key);
      spare.quit().catch(() => spare.disconnect());
    }
    return own;
  }
  if (spare) {
    return spare;
  }
  if (!byKey) {
    const created = new Map<string, Redis>();
    spares.set(cluster, created);
    cluster.once('end', () => {
      created.forEach((node) => node.disconnect());
      created.clear();
    });
    byKey = created;
  }
  const separator = key.lastIndexOf(':');
  const node = new Redis({
    ...cluster.options.redisOptions,
    host: key.slice(0, separator),
    port: Number(key.slice(separator + 1)),
    // As ioredis's own node connections: commands wait for the connection,
    // and a lost one is not made again (its commands fail).
    enableOfflineQueue: true,
    retryStrategy: () => null,
  });
  node.on('error', () => undefined);
  node.once('end', () => {
    if (byKey?.get(key) === node) {
      byKey.delete(key);
    }
  });
  byKey.set(key, node);
  return node;
}
