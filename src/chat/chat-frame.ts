import { CHAT_ERRORS, type ChatError } from './chat-error';

/** A valid chat frame's content. */
export interface ChatFrame {
  message: string;
}

/** Length of `text` in characters (code points), counted only when it could matter. */
function exceeds(text: string, max: number): boolean {
  if (text.length <= max) {
    return false; // UTF-16 units never undercount code points
  }
  let count = 0;
  for (const _char of text) {
    if (++count > max) {
      return true;
    }
  }
  return false;
}

/**
 * Validates one WebSocket frame as README's chat protocol says: a text frame of a JSON
 * object with a string `message` of at most `maxLength` characters.
 */
export function parseChatFrame(
  frame: unknown,
  maxLength: number,
): ChatFrame | ChatError {
  if (typeof frame !== 'string') {
    return CHAT_ERRORS.binaryFrame();
  }
  let data: unknown;
  try {
    data = JSON.parse(frame);
  } catch {
    return CHAT_ERRORS.invalidJson();
  }
  const message = (data as { message?: unknown } | null)?.message;
  if (
    typeof data !== 'object' ||
    Array.isArray(data) ||
    typeof message !== 'string'
  ) {
    return CHAT_ERRORS.invalidMessage();
  }
  if (exceeds(message, maxLength)) {
    return CHAT_ERRORS.messageTooLong(maxLength);
  }
  return { message };
}
