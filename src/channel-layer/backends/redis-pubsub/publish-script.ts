import type { Result } from 'ioredis';
import { EXPIRED_LUA } from '../redis-common/deadline-script';
import type { RedisClient } from '../redis-common/redis-connection';

/**
 * `publish` of the pub/sub layer: PUBLISH unless past the deadline.
 * ARGV pub/sub channel, payload, deadline. Returns PUBLISH's reply, or -1.
 */
export const PUBLISH_LUA = `${EXPIRED_LUA}
if expired(ARGV[3]) then
  return -1
end
return redis.call('PUBLISH', ARGV[1], ARGV[2])
`;

/** Registers the pub/sub layer's publish script on its publishing connection. */
export function definePublishScript(redis: RedisClient): void {
  redis.defineCommand('channelsPublish', { lua: PUBLISH_LUA, numberOfKeys: 0 });
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    channelsPublish(
      channel: string,
      payload: Buffer,
      deadline: number,
    ): Result<number, Context>;
  }
}
