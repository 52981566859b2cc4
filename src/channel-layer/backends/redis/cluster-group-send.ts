import type { ShardWrites } from './shard-writes';

/** The messages of a group send, in `channelsGroupSend`'s argument order. */
export interface GroupBatch {
  keys: string[];
  values: Buffer[];
  capacities: number[];
}

/**
 * The second half of a group send on a Redis Cluster, where one script may
 * not touch keys of two slots: one send per destination key, each routed to
 * its key's node and auto-pipelined into one write per node, admitted or
 * refused together, with deadlines counted from `issuedAt` (the group
 * send's start). Returns how many keys were full; like the script it runs,
 * it does nothing on a node that runs it past its deadline, and then fails.
 */
export async function clusterGroupSend(
  writes: ShardWrites,
  batch: GroupBatch,
  now: string,
  issuedAt: number,
): Promise<number> {
  const added = await writes.sendEach(
    batch.keys.map((key, i) => ({
      kind: 's',
      key,
      value: batch.values[i],
      score: now,
      capacity: batch.capacities[i],
    })),
    issuedAt,
  );
  return added.filter((one) => one === 0).length;
}
