import { Command, type Cluster, type Result } from 'ioredis';
import { deadlineGuard } from '../redis-common/deadline-script';
import type { RedisClient } from '../redis-common/redis-connection';

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
 * Runs the sharded publish script on the master of `slot` (the slot of
 * `name`) and nowhere else. ioredis has no public way to send a command to
 * a slot's master other than by its keys, and a declared key would make
 * Redis redirect the script (ASK) while the slot is MIGRATING, where a
 * shard channel is still served by its source; its `sendCommand` takes the
 * slot as its pipelines give it, and then neither retries the command nor
 * follows a redirection: a re-sent script would be a second copy. It is
 * sent as EVAL, not EVALSHA, so that no NOSCRIPT re-send can reorder it.
 */
export function shardPublish(
  cluster: Cluster,
  slot: number,
  name: string,
  deadline: number,
  payload: Buffer,
): Promise<number> {
  const command = new Command('eval', [
    SHARD_PUBLISH_LUA,
    0,
    deadline,
    name,
    payload,
  ]);
  void cluster.sendCommand(command, undefined, { slot });
  return command.promise as Promise<number>;
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
