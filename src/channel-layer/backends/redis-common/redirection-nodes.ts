import { Redis, type Cluster } from 'ioredis';
import { nodeByKey, slotMasters } from './cluster-slots';
import { DEFAULT_COMMAND_LIMITS } from './command-gate';

/** Connections of the layer's own to nodes a Cluster client has none to, by client, then by node. */
const spares = new WeakMap<Cluster, Map<string, Redis>>();

/** The spares' clients, for `dropSpare`. */
const clientOf = new WeakMap<Redis, Cluster>();

/**
 * The connection to the node `key` (`host:port`) that a redirection names:
 * `cluster`'s own, or, for a master added to the Cluster that serves no
 * slot yet (a slot moving to it answers `ASK`), one of the layer's own.
 * ioredis lists only the nodes that serve slots, and drops any other at
 * each reread of the slot table (every second), which would cut a command
 * in flight there. Written by hand for that reason. A spare has the
 * client's options and is closed at the first reread of the slot table
 * that gives the client a connection of its own to the node (once its
 * commands are answered, 5 s at most), when the client ends, and when a
 * command on it is not answered in time (`dropSpare`): so there is at most
 * one per node of the Cluster in use.
 *
 * Throws for a node the slot table names (the client's connection to it
 * was cut: its commands fail until the next reread) and for a client that
 * is closing.
 */
export function redirectionNode(cluster: Cluster, key: string): Redis {
  const own = nodeByKey(cluster, key);
  if (own) {
    return own;
  }
  const byKey = sparesOf(cluster);
  const spare = byKey.get(key);
  if (spare) {
    return spare;
  }
  if (cluster.status !== 'ready') {
    throw new Error(`no connection to ${key}: the client is ${cluster.status}`);
  }
  if (slotMasters(cluster).has(key)) {
    throw new Error(`no connection to ${key}`);
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
  // Its commands fail with the error; nothing else listens.
  node.on('error', () => undefined);
  node.once('end', () => {
    if (byKey.get(key) === node) {
      byKey.delete(key);
    }
  });
  byKey.set(key, node);
  clientOf.set(node, cluster);
  return node;
}

/** Closes `node` at once if it is a spare (its commands in flight fail): whether it was one. */
export function dropSpare(node: Redis): boolean {
  const cluster = clientOf.get(node);
  if (!cluster) {
    return false;
  }
  sparesOf(cluster).forEach((spare, key, byKey) => {
    if (spare === node) {
      byKey.delete(key);
    }
  });
  node.disconnect();
  return true;
}

/** The spares of `cluster`, closed as `redirectionNode` says. */
function sparesOf(cluster: Cluster): Map<string, Redis> {
  let byKey = spares.get(cluster);
  if (!byKey) {
    const created = new Map<string, Redis>();
    cluster.on('refresh', () => {
      created.forEach((spare, key) => {
        if (nodeByKey(cluster, key)) {
          created.delete(key);
          // After the replies of the commands it carries, which come
          // within their deadlines, or not at all.
          spare.quit().catch(() => undefined);
          setTimeout(
            () => spare.disconnect(),
            DEFAULT_COMMAND_LIMITS.timeoutMs,
          ).unref();
        }
      });
    });
    cluster.once('end', () => {
      created.forEach((spare) => spare.disconnect());
      created.clear();
    });
    spares.set(cluster, created);
    byKey = created;
  }
  return byKey;
}
