import { ChannelLayerUnavailableError } from '../../errors';

/**
 * Prepended to every script that writes a message or a membership: such a
 * script returns -1 and does nothing once Redis's clock passes the caller's
 * deadline (Unix ms), the argument it gives `expired`. A command that sat in a hung
 * Redis's socket buffer while its sender was told "unavailable" must not
 * deliver the message later (the sender may retry it).
 */
export const EXPIRED_LUA = `
local function expired(deadline)
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(deadline)
end
`;

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
