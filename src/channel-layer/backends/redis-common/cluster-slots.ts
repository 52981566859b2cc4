import { Cluster, type Redis } from 'ioredis';
import { once } from 'node:events';
import type { RedisClient } from './redis-connection';

/** How many hash slots a Redis Cluster has. */
const SLOTS = 16_384;

/**
 * The masters of `client` when it is a Cluster, else the client itself: one
 * connection per master that serves slots, as the client's slot table names
 * them. A slot range whose master this client cannot reach (it was killed
 * and no replica has taken over yet) throws, so a probe of every master
 * fails while part of the keyspace is out of reach.
 */
export function mastersOf(client: RedisClient): RedisClient[] {
  if (!(client instanceof Cluster)) {
    return [client];
  }
  // Whatever its state: a node the client has not used yet connects on
  // the first command; a dead one fails it.
  const connected = new Map(
    client.nodes('master').map((node) => [nodeKey(node), node]),
  );
  const owners = new Set<string>();
  for (let slot = 0; slot < SLOTS; slot++) {
    owners.add(masterOfSlot(client, slot) ?? 'none');
  }
  return [...owners].map((owner) => {
    const node = connected.get(owner);
    if (!node) {
      throw new Error(`no connection to the master of some slots (${owner})`);
    }
    return node;
  });
}

/**
 * The slot's master as `cluster`'s slot table names it (`host:port`), or
 * `undefined` while the client knows no owner.
 */
export function masterOfSlot(
  cluster: Cluster,
  slot: number,
): string | undefined {
  return cluster.slots[slot]?.[0];
}

/**
 * The connection to the master of `slot` and its name (`host:port`), or
 * `undefined` when the client has none: a cut left no connection to it
 * until the next reread of the slot table, which this then asks for
 * (ioredis would send the slot's commands to a random master meanwhile).
 */
export function slotMaster(
  cluster: Cluster,
  slot: number,
): { key: string; node: Redis } | undefined {
  const key = masterOfSlot(cluster, slot);
  const node = key === undefined ? undefined : nodeByKey(cluster, key);
  if (key === undefined || !node) {
    cluster.refreshSlotsCache();
    return undefined;
  }
  return { key, node };
}

/** The masters (`host:port`) that `cluster`'s slot table names. */
export function slotMasters(cluster: Cluster): Set<string> {
  const masters = new Set<string>();
  for (let slot = 0; slot < SLOTS; slot++) {
    const master = masterOfSlot(cluster, slot);
    if (master !== undefined) {
      masters.add(master);
    }
  }
  return masters;
}

/** The connection of `cluster` to the node named `key` (`host:port`), if it has one. */
export function nodeByKey(cluster: Cluster, key: string): Redis | undefined {
  return cluster.nodes().find((node) => nodeKey(node) === key);
}

/** A node's name in a Cluster's slot table. */
export function nodeKey(node: Redis): string {
  return `${node.options.host}:${node.options.port}`;
}

/**
 * Calls `listener` each time a reread of the Cluster's slot table finds
 * other masters serving some slots: a replica promoted, a slot moved. The
 * replication is asynchronous, so a promoted replica may lack the last
 * writes its master acknowledged.
 */
export function onSlotOwnersChange(
  cluster: Cluster,
  listener: () => void,
): void {
  let owners = slotOwners(cluster);
  cluster.on('refresh', () => {
    const now = slotOwners(cluster);
    if (now !== owners) {
      owners = now;
      // Before the first `ready`, the connection's own restoration follows.
      if (cluster.status === 'ready') {
        listener();
      }
    }
  });
}

/** The Cluster's slot ranges and their masters, as the client knows them, in one string. */
function slotOwners(cluster: Cluster): string {
  const ranges: string[] = [];
  let previous: string | undefined;
  for (let slot = 0; slot < SLOTS; slot++) {
    const owner = masterOfSlot(cluster, slot) ?? 'none';
    if (owner !== previous) {
      ranges.push(`${slot}:${owner}`);
      previous = owner;
    }
  }
  return ranges.join(',');
}

/**
 * Connects each master of `cluster` as soon as the client learns of it.
 * ioredis connects to a node on its first command, and while that
 * connection is being made, a Cluster without an offline queue fails the
 * node's other commands and retries them on random nodes 100 ms later,
 * whence `MOVED` sends them back: out of their call order.
 */
export function connectMastersEarly(cluster: Cluster): void {
  cluster.nodes('master').forEach(connect);
  cluster.on('+node', (node: Redis) => {
    if (!node.options.readOnly) {
      connect(node);
    }
  });
}

/** Resolves once the connection to every master that serves slots is ready. */
export async function mastersReady(
  cluster: Cluster,
  signal: AbortSignal,
): Promise<void> {
  // A Cluster's masters are connections of their own.
  const masters = mastersOf(cluster) as Redis[];
  await Promise.all(
    masters
      .filter((node) => node.status !== 'ready')
      .map((node) => {
        connect(node);
        return once(node, 'ready', { signal });
      }),
  );
}

/** Starts connecting `node` if nothing has yet. */
function connect(node: Redis): void {
  if (node.status === 'wait') {
    node.connect().catch(() => undefined);
  }
}
