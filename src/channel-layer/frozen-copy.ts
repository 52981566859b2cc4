import { deepFreeze } from './deep-freeze';
import type { ChannelMessage } from './interfaces/channel-message.interface';

/**
 * A frozen copy of `message` for this process's members, as
 * `deepFreeze(structuredClone(message))` makes it: the sender keeps its own
 * object, unfrozen. A message whose values are all primitives (a chat
 * message) is copied and frozen in one step, without the structured-clone
 * walk; anything else (nested objects, binary, or a value that cannot be
 * cloned, which then throws as `structuredClone` does) takes the full path.
 */
export function frozenCopy(message: ChannelMessage): ChannelMessage {
  for (const key of Object.keys(message)) {
    const value = message[key];
    if (
      (typeof value === 'object' && value !== null) ||
      typeof value === 'function' ||
      typeof value === 'symbol'
    ) {
      return deepFreeze(structuredClone(message));
    }
  }
  return Object.freeze({ ...message });
}
