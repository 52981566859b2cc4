import { ChannelLayerUnavailableError } from '../../errors';

/**
 * The first lines of every script that writes a message or a membership:
 * the script returns `reply` (-1 unless told) and does nothing once Redis's
 * clock passes the caller's deadline (Unix ms), the Lua expression
 * `deadline`. A command that sat in a hung Redis's socket buffer while its
 * sender was told "unavailable" must not deliver the message later (the
 * sender may retry it). The script may use the guard's `clock` (Redis's
 * `TIME` reply) afterwards instead of asking Redis for the time again.
 *
 * Inline rather than a Lua function: a script's body runs on every call, so
 * a function there is a new closure each time. Measured with the pub/sub
 * layer's publish script on redis-server 7.0 (`INFO commandstats`, medians
 * of 5): this guard and its single-publish path take 17.8 µs per call at
 * 1,000 calls/s (a server's usual load: Redis's caches are cold at each
 * call) and 6.7 µs at 20,000, against 20.4 and 8.0 µs with a function.
 */
export function deadlineGuard(deadline: string, reply = '-1'): string {
  return `
local clock = redis.call('TIME')
if clock[1] * 1000 + math.floor(clock[2] / 1000) > tonumber(${deadline}) then
  return ${reply}
end
`;
}

/** What a script returns when it ran after its deadline. */
export const EXPIRED = -1;

/**
 * `reply`, unless the script ran past its deadline: it then did nothing, and
 * its callers (told so already by the gate) get `ChannelLayerUnavailableError`.
 */
export function inTime<T>(reply: T | typeof EXPIRED, backend: string): T {
  if (reply === EXPIRED) {
    throw new ChannelLayerUnavailableError(backend, 'Redis ran it too late');
  }
  return reply;
}
