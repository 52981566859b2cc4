import type { ChannelMessage } from './interfaces/channel-message.interface';
import { InvalidMessageError } from './errors/invalid-message.error';

/** Throws `InvalidMessageError` unless `message` is a plain object with a string `type`. */
export function assertMessage(
  message: unknown,
): asserts message is ChannelMessage {
  if (
    typeof message !== 'object' ||
    message === null ||
    Array.isArray(message) ||
    typeof (message as { type?: unknown }).type !== 'string'
  ) {
    throw new InvalidMessageError();
  }
}
