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
