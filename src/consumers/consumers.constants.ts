/** Metadata key of `@ChannelHandler`. */
export const CHANNEL_HANDLER_METADATA = 'consumers:channel_handler';
/** The one event every WebSocket frame becomes: `@SubscribeMessage(FRAME_EVENT)`. */
export const FRAME_EVENT = 'frame';
/** Close code for a server going away (shutdown). */
export const CLOSE_GOING_AWAY = 1001;
/** Longest pause between a connection's attempts to listen while the layer fails, in milliseconds. */
export const MAX_RECEIVE_BACKOFF_MS = 5_000;
