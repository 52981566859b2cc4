import type { Cluster, Redis, Result } from 'ioredis';
import { deadlineGuard } from '../redis-common/deadline-script';
import type { RedisClient } from '../redis-common/redis-connection';
import type { SentAway } from '../redis-common/command-gate';
import { evalOnSlot } from '../redis-common/slot-eval';

/**
 * `publish` of the pub/sub layer, for a batch of publishes: PUBLISH each,
 * in order, unless past the deadline. ARGV the deadline, then a pub/sub
 * channel and its payload per publish. Returns PUBLISH's reply for a single
 * publish (the usual batch under a paced load, answered without building a
 * table), each PUBLISH's reply for more, or -1 (none was made).
 */
export const PUBLISH_LUA = `${deadlineGuard('ARGV[1]')}
if #ARGV == 3 then
  return redis.call('PUBLISH', ARGV[2], ARGV[3])
end
local receivers = {}
for i = 2, #ARGV, 2 do
  receivers[#receivers + 1] = redis.call('PUBLISH', ARGV[i], ARGV[i + 1])
end
return receivers
`;

/**
 * `publish` of the pub/sub layer on a Redis Cluster: one SPUBLISH to the
 * shard channel ARGV[2] of ARGV[3], unless past the deadline ARGV[1].
 * Returns SPUBLISH's reply, or -1 (none was made).
 */
const SHARD_PUBLISH_LUA = `${deadlineGuard('ARGV[1]')}
return redis.call('SPUBLISH', ARGV[2], ARGV[3])
`;

/**
 * Runs the sharded publish script on `master`, the master of `name`'s slot,
 * once (`evalOnSlot`). It is keyless: a declared key would make
 * Redis redirect it (ASK) while the slot is MIGRATING, where a shard channel
 * is still served by its source.
 */
export async function shardPublish(
  cluster: Cluster,
  master: Redis,
  name: string,
  deadline: number,
  payload: Buffer,
  away: SentAway,
): Promise<number> {
  return (await evalOnSlot(
    cluster,
    master,
    SHARD_PUBLISH_LUA,
    [],
    [deadline, name, payload],
    deadline,
    away,
  )) as number;
}

/** Registers the pub/sub layer's publish script on its publishing connection. */
export function definePublishScript(redis: RedisClient): void {
  redis.defineCommand('channelsPublish', { lua: PUBLISH_LUA, numberOfKeys: 0 });
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    channelsPublish(
      deadline: number,
      ...channelsAndPayloads: (string | Buffer)[]
    ): Result<number | number[], Context>;
  }
}
