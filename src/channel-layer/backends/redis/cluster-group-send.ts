import { ChannelLayerUnavailableError } from '../../errors';
import { EXPIRED } from '../redis-common/deadline-script';
import type { RedisShards } from './redis-shards';

/** The messages of a group send, in `channelsGroupSend`'s argument order. */
export interface GroupBatch {
  keys: string[];
  values: Buffer[];
  capacities: number[];
}

/**
 * The second half of a group send on a Redis Cluster, where one script may
 * not touch keys of two slots: one `channelsSend` per destination key, each
 * routed to its key's node. Sent together, they are auto-pipelined into one
 * write per node. Returns how many keys were full; like the scripts it
 * calls, it does nothing on a node that runs it past its deadline.
 */
export async function clusterGroupSend(
  shards: RedisShards,
  batch: GroupBatch,
  now: string,
  expiry: number,
): Promise<number> {
  const added = await shards.run(
    0,
    (client, deadline) =>
      Promise.all(
        batch.keys.map((key, i) =>
          client.channelsSend(
            key,
            batch.values[i],
            now,
            expiry,
            batch.capacities[i],
            deadline,
          ),
        ),
      ),
    batch.values.reduce((sum, value) => sum + value.length, 0),
  );
  if (added.includes(EXPIRED)) {
    throw new ChannelLayerUnavailableError('redis', 'Redis ran it too late');
  }
  return added.filter((one) => one === 0).length;
}
