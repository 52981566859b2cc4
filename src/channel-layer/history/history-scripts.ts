import type { Result } from 'ioredis';
import { deadlineGuard } from '../backends/redis-common/deadline-script';
import type { RedisClient } from '../backends/redis-common/redis-connection';
import { FANOUT_LUA } from '../backends/redis/redis-scripts';

/**
 * Appends ARGV[1] to the stream KEYS[1] capped at ARGV[2] entries and renews
 * its TTL ARGV[3]; returns the new id: the newest entry's epoch (its
 * milliseconds) with the next sequence (`<ms>-*`, Redis 7), so a history's
 * ids count its messages one by one; a new or emptied stream takes the time.
 */
const APPEND_LUA = `
local function append(value, size, ttl)
  local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
  local next_id = newest and (string.match(newest[1], '^%d+') .. '-*') or '*'
  local id = redis.call('XADD', KEYS[1], 'MAXLEN', size, next_id, 'm', value)
  redis.call('EXPIRE', KEYS[1], ttl)
  return id
end
local function id_string(id)
  local n = #id
  return (n < 32 and string.char(0xa0 + n) or string.char(0xd9, n)) .. id
end
`;

/**
 * Stores a group message for the core layer, which then sends it with the id.
 * KEYS[1] history stream; ARGV stored value, size, ttl, deadline.
 * Returns the id, or -1 past the deadline.
 */
export const HISTORY_APPEND_LUA = `${APPEND_LUA}${deadlineGuard('ARGV[4]')}return append(ARGV[1], ARGV[2], ARGV[3])
`;

/**
 * The pub/sub layer's group send with history, in one step: stores the
 * message, then publishes it with its id spliced in as msgpack: ARGV[5] is
 * the message packed with a last entry `id` whose value is left out.
 * A message that reached fewer receivers than ARGV[8] (1 when the sending
 * process is subscribed itself) was not sent: it is deleted again, as when
 * the script followed a Cluster's ASK to a master the subscribers have not
 * moved to yet.
 * KEYS[1] history stream (same slot as the group's pub/sub channel); ARGV
 * stored value, size, ttl, pub/sub channel, head, '1' for SPUBLISH, deadline,
 * receivers expected at least.
 * Returns {id, receivers}, {-1, 0} past the deadline, or {-2, receivers}
 * when it reached too few and was not kept.
 */
export const HISTORY_PUBLISH_LUA = `${APPEND_LUA}${deadlineGuard('ARGV[7]', '{-1, 0}')}local id = append(ARGV[1], ARGV[2], ARGV[3])
local command = ARGV[6] == '1' and 'SPUBLISH' or 'PUBLISH'
local receivers = redis.call(command, ARGV[4], ARGV[5] .. id_string(id))
if receivers < tonumber(ARGV[8]) then
  redis.call('XDEL', KEYS[1], id)
  return {-2, receivers}
end
return {id, receivers}
`;

/**
 * The core layer's group send with history on one Redis, in one step: stores
 * the message, then runs the layer's fanout with the id spliced into the head
 * (ARGV[9] before the id's value, ARGV[10] after it) and a score from
 * Redis's clock as the deadline guard read it (`clock`; channels_redis's
 * `time.time()`, which its expiry reads), so
 * every member's key orders the room's messages as their ids.
 * KEYS[1] history stream, KEYS[2] group key; ARGV stored value, size, ttl,
 * group expiry, expiry, capacity, key prefix, process capacity, head before,
 * head after, deadline.
 * Returns {id, destination keys, keys that were full}, or {-1, 0, 0} past the deadline.
 */
export const HISTORY_FANOUT_LUA = `${APPEND_LUA}${FANOUT_LUA}${deadlineGuard('ARGV[11]', '{-1, 0, 0}')}local id = append(ARGV[1], ARGV[2], ARGV[3])
local now = string.format('%s.%06d', clock[1], tonumber(clock[2]))
local head = ARGV[9] .. id_string(id) .. ARGV[10]
local sent = fanout(KEYS[2], now, ARGV[4], ARGV[5], ARGV[6], ARGV[7], head, ARGV[8])
return {id, sent[1], sent[2]}
`;

/**
 * Deletes entries of a group send that failed, each only while the stream
 * KEYS[1] still holds its value: ARGV an id and the SHA-1 (hex) of its value,
 * for each entry. Returns how many were deleted.
 */
const HISTORY_FORGET_LUA = `
local deleted = 0
for i = 1, #ARGV, 2 do
  local entry = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])[1]
  if entry and redis.sha1hex(entry[2][2]) == ARGV[i + 1] then
    deleted = deleted + redis.call('XDEL', KEYS[1], ARGV[i])
  end
end
return deleted
`;

/** Registers the history scripts on a connection. */
export function defineHistoryScripts(redis: RedisClient): void {
  redis.defineCommand('channelsHistoryAppend', {
    lua: HISTORY_APPEND_LUA,
    numberOfKeys: 1,
  });
  redis.defineCommand('channelsHistoryFanout', {
    lua: HISTORY_FANOUT_LUA,
    numberOfKeys: 2,
  });
  redis.defineCommand('channelsHistoryForget', {
    lua: HISTORY_FORGET_LUA,
    numberOfKeys: 1,
  });
  redis.defineCommand('channelsHistoryPublish', {
    lua: HISTORY_PUBLISH_LUA,
    numberOfKeys: 1,
  });
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    channelsHistoryAppend(
      key: string,
      value: Buffer,
      size: number,
      ttl: number,
      deadline: number,
    ): Result<string | number, Context>;
    channelsHistoryFanout(
      key: string,
      groupKey: string,
      value: Buffer,
      size: number,
      ttl: number,
      groupExpiry: number,
      expiry: number,
      capacity: number,
      prefix: string,
      processCapacity: number,
      headBefore: Buffer,
      headAfter: Buffer,
      deadline: number,
    ): Result<[id: string | number, keys: number, full: number], Context>;
    channelsHistoryForget(
      key: string,
      ...idsAndHashes: string[]
    ): Result<number, Context>;
    channelsHistoryPublish(
      key: string,
      value: Buffer,
      size: number,
      ttl: number,
      channel: string,
      head: Buffer,
      sharded: string,
      deadline: number,
      expectedReceivers: number,
    ): Result<[id: string | number, receivers: number], Context>;
  }
}
