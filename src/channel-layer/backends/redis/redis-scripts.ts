import type { Result } from 'ioredis';
import { deadlineGuard } from '../redis-common/deadline-script';
import type { RedisClient } from '../redis-common/redis-connection';

/**
 * A Lua function `send(key, message, now, expiry, capacity)`: drops expired
 * messages, refuses a full key, adds the message and renews the key's expiry
 * (channels_redis sends four commands). Returns 1, or 0 when full.
 */
const SEND_LUA = `
local function send(key, message, now, expiry, capacity)
redis.call('ZREMRANGEBYSCORE', key, 0, math.floor(tonumber(now)) - expiry)
if redis.call('ZCARD', key) >= capacity then
  return 0
end
redis.call('ZADD', key, now, message)
redis.call('EXPIRE', key, expiry)
return 1
end
`;

/**
 * First half of `groupSend`: drops lapsed memberships and returns the members.
 * KEYS[1] group key; ARGV now (s), group expiry (s).
 */
export const GROUP_MEMBERS_LUA = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, math.floor(tonumber(ARGV[1])) - tonumber(ARGV[2]))
return redis.call('ZRANGE', KEYS[1], 0, -1)
`;

/**
 * `groupAdd`: adds the member and renews the group's expiry.
 * KEYS[1] group key; ARGV channel, now (s), group expiry (s), deadline.
 * Returns 1, or -1 past the deadline.
 */
export const GROUP_ADD_LUA = `${deadlineGuard('ARGV[4]')}redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
`;

/**
 * Second half of `groupSend`, once per shard: for each channel key, drops
 * expired messages and adds the message unless the key is full.
 * KEYS channel keys; ARGV messages (one per key), capacities (one per key), now, expiry, deadline.
 * Returns how many keys were full, or -1 past the deadline.
 */
export const GROUP_SEND_LUA = `
local n = #KEYS${deadlineGuard('ARGV[2 * n + 3]')}local now = ARGV[2 * n + 1]
local expiry = tonumber(ARGV[2 * n + 2])
local cutoff = math.floor(tonumber(now)) - expiry
local full = 0
for i = 1, n do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], 0, cutoff)
  if redis.call('ZCARD', KEYS[i]) < tonumber(ARGV[n + i]) then
    redis.call('ZADD', KEYS[i], now, ARGV[i])
    redis.call('EXPIRE', KEYS[i], expiry)
  else
    full = full + 1
  end
end
return full
`;

/**
 * The whole of `groupSend` on one Redis, in one round trip: drops lapsed
 * memberships, groups the members by destination key (the non-local part of
 * a `!` channel, or the channel) and adds to each key one message whose
 * `__asgi_channel__` lists its channels, unless the key is full. The message
 * is spliced as msgpack bytes: `head` is everything up to the list (random
 * prefix, map header with one more entry, the entries, the key), so each
 * value is byte for byte what channels_redis 4.0 writes.
 * A process's key (ending in `!`) holds the messages of all its channels, so
 * it takes the larger of `process capacity` and a channel's, as a send to it
 * does.
 * A Lua function `fanout(group key, now, group expiry, expiry, capacity, key
 * prefix, head, process capacity)` returning {destination keys, keys that
 * were full}, so that room history can run it in its own script.
 */
export const FANOUT_LUA = `
local function fanout(group_key, now, group_expiry, expiry, capacity, prefix, head, process_capacity)
local seconds = math.floor(tonumber(now))
redis.call('ZREMRANGEBYSCORE', group_key, 0, seconds - tonumber(group_expiry))
local members = redis.call('ZRANGE', group_key, 0, -1)
expiry = tonumber(expiry)
capacity = tonumber(capacity)
process_capacity = tonumber(process_capacity)
local lists = {}
local order = {}
for _, channel in ipairs(members) do
  local bang = string.find(channel, '!', 1, true)
  local key = prefix .. (bang and string.sub(channel, 1, bang) or channel)
  local list = lists[key]
  if not list then
    list = {}
    lists[key] = list
    order[#order + 1] = key
  end
  list[#list + 1] = channel
end
local function header(n, small, small_max, wide16, wide32)
  if n <= small_max then
    return string.char(small + n)
  elseif n < 65536 then
    return string.char(wide16, math.floor(n / 256), n % 256)
  end
  return string.char(wide32, math.floor(n / 16777216), math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
end
local full = 0
for _, key in ipairs(order) do
  local list = lists[key]
  local parts = { head, header(#list, 0x90, 15, 0xdc, 0xdd) }
  for _, channel in ipairs(list) do
    local n = #channel
    if n < 32 then
      parts[#parts + 1] = string.char(0xa0 + n)
    else
      parts[#parts + 1] = string.char(0xd9, n)
    end
    parts[#parts + 1] = channel
  end
  redis.call('ZREMRANGEBYSCORE', key, 0, seconds - expiry)
  local limit = capacity
  if string.sub(key, -1) == '!' then
    limit = math.max(capacity, process_capacity)
  end
  if redis.call('ZCARD', key) < limit then
    redis.call('ZADD', key, now, table.concat(parts))
    redis.call('EXPIRE', key, expiry)
  else
    full = full + 1
  end
end
return {#order, full}
end
`;

/**
 * A batch of writes on one Redis, in order, in one round trip: each a
 * `send` (`SEND_LUA`) to a channel key, or a whole `groupSend`
 * (`FANOUT_LUA`) to a group key, unless past the deadline.
 * KEYS one per write (its channel or group key); ARGV deadline, expiry,
 * group expiry, key prefix, process capacity, then four per write: `s` or
 * `f`, now, capacity, message (for `f`, `FANOUT_LUA`'s head).
 * Returns per write 1 or 0 (`s`) or {destination keys, keys that were full}
 * (`f`); or -1 past the deadline (none was made).
 */
export const WRITES_LUA = `${SEND_LUA}${FANOUT_LUA}${deadlineGuard('ARGV[1]')}local expiry = tonumber(ARGV[2])
local replies = {}
for k = 1, #KEYS do
  local a = 5 + 4 * (k - 1)
  local capacity = tonumber(ARGV[a + 3])
  if ARGV[a + 1] == 's' then
    replies[k] = send(KEYS[k], ARGV[a + 4], ARGV[a + 2], expiry, capacity)
  else
    replies[k] = fanout(KEYS[k], ARGV[a + 2], ARGV[3], expiry, capacity, ARGV[4], ARGV[a + 4], ARGV[5])
  end
end
return replies
`;

/**
 * A `sync` marker: adds ARGV[1] with score ARGV[3] (a message's, so that a
 * send's drop of expired messages leaves it) to the process's key KEYS[1],
 * and gives the key the layer's expiry ARGV[2] (s), as a send does: a marker
 * left behind by a process that died before its reader took it back goes
 * with the key.
 */
export const MARKER_LUA = `
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** `flush`: deletes every key under the prefix (ARGV[1] is `<prefix>*`), as channels_redis does. */
export const FLUSH_LUA = `
local keys = redis.call('KEYS', ARGV[1])
for i = 1, #keys, 5000 do
  redis.call('DEL', unpack(keys, i, math.min(i + 4999, #keys)))
end
return #keys
`;

/**
 * `flush` on one Cluster node: FLUSH_LUA's work, one key per DEL, as the keys
 * under the prefix span many slots, which a Cluster node lets a script touch
 * only when it says so (a flag of Redis 7, which sharded pub/sub needs too).
 */
export const FLUSH_SLOTS_LUA = `#!lua flags=allow-cross-slot-keys
local keys = redis.call('KEYS', ARGV[1])
for _, key in ipairs(keys) do
  redis.call('DEL', key)
end
return #keys
`;

/** Registers the scripts once per connection; ioredis runs them by EVALSHA. */
export function defineChannelScripts(redis: RedisClient): void {
  redis.defineCommand('channelsWrites', { lua: WRITES_LUA });
  // The same script for one write: ioredis then knows its key, which a
  // Cluster client needs to route it.
  redis.defineCommand('channelsWrite', { lua: WRITES_LUA, numberOfKeys: 1 });
  redis.defineCommand('channelsGroupMembers', {
    lua: GROUP_MEMBERS_LUA,
    numberOfKeys: 1,
  });
  redis.defineCommand('channelsGroupAdd', {
    lua: GROUP_ADD_LUA,
    numberOfKeys: 1,
  });
  redis.defineCommand('channelsGroupSend', { lua: GROUP_SEND_LUA });
  redis.defineCommand('channelsMarker', { lua: MARKER_LUA, numberOfKeys: 1 });
  redis.defineCommand('channelsFlush', { lua: FLUSH_LUA, numberOfKeys: 0 });
  redis.defineCommand('channelsFlushSlots', {
    lua: FLUSH_SLOTS_LUA,
    numberOfKeys: 0,
  });
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    channelsWrites(
      numberOfKeys: number,
      ...keysAndArgs: Array<string | Buffer | number>
    ): Result<Array<number | [keys: number, full: number]> | -1, Context>;
    channelsWrite(
      key: string,
      ...args: Array<string | Buffer | number>
    ): Result<Array<number | [keys: number, full: number]> | -1, Context>;
    channelsGroupAdd(
      key: string,
      channel: string,
      now: string,
      groupExpiry: number,
      deadline: number,
    ): Result<number, Context>;
    channelsGroupMembers(
      key: string,
      now: string,
      groupExpiry: number,
    ): Result<string[], Context>;
    channelsGroupSend(
      numberOfKeys: number,
      ...keysAndArgs: Array<string | Buffer | number>
    ): Result<number, Context>;
    channelsMarker(
      key: string,
      marker: Buffer,
      expiry: number,
      score: string,
    ): Result<number, Context>;
    channelsFlush(pattern: string): Result<number, Context>;
    channelsFlushSlots(pattern: string): Result<number, Context>;
  }
}
