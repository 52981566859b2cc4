/** Messages kept per channel before `send` throws `ChannelFullError` (Channels' `capacity`). */
export const DEFAULT_CAPACITY = 100;
/** Seconds an undelivered message is kept (Channels' `expiry`). */
export const DEFAULT_EXPIRY_S = 60;
/** Seconds a group membership lasts unless refreshed (Channels' `group_expiry`). */
export const DEFAULT_GROUP_EXPIRY_S = 86_400;
/** Key and channel prefix (channels_redis `prefix`). */
export const DEFAULT_PREFIX = 'asgi';
/** Prefix of `newChannel()` names (Channels' `new_channel(prefix='specific')`). */
export const DEFAULT_CHANNEL_PREFIX = 'specific';
/** Names are shorter than this (Channels' `MAX_NAME_LENGTH`). */
export const MAX_NAME_LENGTH = 100;
/**
 * Messages a process's Redis key holds for all of its channels at once (the
 * key its one reader drains): a burst of group sends to many of its channels
 * must not find it full, while each channel keeps its own capacity in the process.
 */
export const DEFAULT_PROCESS_CAPACITY = 1_000;
/**
 * `node:diagnostics_channel` name on which a Redis connection of the layer
 * publishes `{ connection }` each time it is re-established after a loss:
 * metrics subscribe without the layer knowing of them.
 */
export const REDIS_RECONNECT_DIAGNOSTICS = 'nest-channels:redis-reconnect';
/**
 * `node:diagnostics_channel` name on which the layer publishes
 * `{ reason, channel }` for each message it drops for a channel of this
 * process (`LayerDrop`): metrics count them without the layer knowing of them.
 */
export const LAYER_DROP_DIAGNOSTICS = 'nest-channels:drop';
