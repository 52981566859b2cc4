/** A reply to the sender only: `{"error": "<code>", "detail": "<human text>"}` (README: The chat protocol). */
export interface ChatError {
  error: ChatErrorCode;
  detail: string;
}

/** Every error code a chat client can receive. */
export type ChatErrorCode =
  | 'binary_frame'
  | 'invalid_json'
  | 'invalid_message'
  | 'message_too_long'
  | 'layer_unavailable'
  | 'room_overloaded'
  | 'rate_limited';

/** The error replies' texts, in one place. */
export const CHAT_ERRORS = {
  binaryFrame: (): ChatError => ({
    error: 'binary_frame',
    detail: 'Binary frames are not accepted; send text frames of JSON.',
  }),
  invalidJson: (): ChatError => ({
    error: 'invalid_json',
    detail: 'The frame is not valid JSON; send {"message": "<text>"}.',
  }),
  invalidMessage: (): ChatError => ({
    error: 'invalid_message',
    detail:
      'The frame must be a JSON object with a string "message"; send {"message": "<text>"}.',
  }),
  messageTooLong: (max: number): ChatError => ({
    error: 'message_too_long',
    detail: `The message is longer than ${max} characters.`,
  }),
  layerUnavailable: (): ChatError => ({
    error: 'layer_unavailable',
    detail:
      'The message could not be delivered: the channel layer is unavailable. Try again.',
  }),
  roomOverloaded: (): ChatError => ({
    error: 'room_overloaded',
    detail:
      'The message reached no one: every member of the room is too far behind. Try again.',
  }),
  rateLimited: (perSecond: number): ChatError => ({
    error: 'rate_limited',
    detail: `Too many messages; at most ${perSecond} per second. This one was not sent.`,
  }),
} as const;
