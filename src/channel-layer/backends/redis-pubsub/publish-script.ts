import type { Result } from 'ioredis';
import { EXPIRED_LUA } from '../redis-common/deadline-script';
import type { RedisClient } from '../redis-common/redis-connection';

/**
 * `publish` of the pub/sub layer, for a batch of publishes: PUBLISH each,
 * in order, unless past the deadline. ARGV the deadline, then a pub/sub
 * channel and its payload per publish. Returns each PUBLISH's reply, or -1
 * (none was made).
 */
export const PUBLISH_LUA = `${EXPIRED_LUA}
if expired(ARGV[1]) then
  return -1
end
local receivers = {}
for i = 2, #ARGV, 2 do
  receivers[#receivers + 1] = redis.call('PUBLISH', ARGV[i], ARGV[i + 1])
end
return receivers
`;

/** Registers the pub/sub layer's publish script on its publishing connection. */
export function definePublishScript(redis: RedisClient): void {
  redis.defineCommand('channelsPublish', { lua: PUBLISH_LUA, numberOfKeys: 0 });
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    channelsPublish(
      deadline: number,
      ...channelsAndPayloads: (string | Buffer)[]
    ): Result<number[] | -1, Context>;
  }
}
