import type { ChatErrorCode } from '../chat/chat-error';
import type { HandshakeOutcome } from '../consumers';

/** Why a handshake ended as it did: `channels_handshakes_total{outcome}`. */
export const HANDSHAKE_OUTCOMES = [
  'accepted',
  'not_found',
  'bad_room',
  'origin',
  'full',
  'timeout',
  'unavailable',
  'refused',
] as const satisfies readonly HandshakeOutcome[];

/** What became of a client frame: `accepted`, or the error code it was answered with. */
export const FRAME_OUTCOMES = [
  'accepted',
  'binary_frame',
  'invalid_json',
  'invalid_message',
  'message_too_long',
  'layer_unavailable',
  'room_overloaded',
  'rate_limited',
] as const satisfies readonly ('accepted' | ChatErrorCode)[];
/** One of `FRAME_OUTCOMES`. */
export type FrameOutcome = (typeof FRAME_OUTCOMES)[number];

/** Why a message did not reach a socket: `channels_dropped_total{reason}`. */
export const DROP_REASONS = [
  'channel_full',
  'expired',
  'no_handler',
  'slow_client',
] as const;
/** One of `DROP_REASONS`. */
export type DropReason = (typeof DROP_REASONS)[number];

/** Layer calls timed by `channels_layer_operation_seconds` (receive waits, so it is not). */
export const TIMED_LAYER_OPERATIONS = [
  'newChannel',
  'send',
  'groupAdd',
  'groupDiscard',
  'groupSend',
  'flush',
  'ping',
] as const;
/** One of `TIMED_LAYER_OPERATIONS`. */
export type TimedLayerOperation = (typeof TIMED_LAYER_OPERATIONS)[number];

/**
 * Layer latency buckets in seconds: a memory layer answers in microseconds,
 * a local Redis in a fraction of a millisecond, a distant one in tens.
 */
export const LAYER_SECONDS_BUCKETS = [
  0.000_05, 0.0001, 0.000_25, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
  0.1, 0.25, 0.5, 1, 2.5, 5,
];

/** How long a scrape waits for `layer.ping()` before reporting the backend down, in ms. */
export const BACKEND_UP_TIMEOUT_MS = 1_000;
