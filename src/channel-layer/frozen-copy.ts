import { deepFreeze } from './deep-freeze';
import type { ChannelMessage } from './interfaces/channel-message.interface';

/**
 * A frozen copy of `message` for this process's members, as
 * `deepFreeze(structuredClone(message))` makes it: the sender keeps its own
 * object, unfrozen. A message whose values are all primitives (a chat
 * message) is copied and frozen in one step, without the structured-clone
 * walk; anything else (nested objects, binary, or a value that cannot be
 * cloned, which then throws as `structuredClone` does) takes the full path,
 * as does an own `__proto__` key, which `Object.assign` would hand to the
 * copy's prototype setter instead of copying it.
 *
 * `Object.assign` rather than a spread: on Node 20, `Object.freeze` of a
 * spread copy makes a new hidden class each time (V8's
 * `Map::CopyForPreventExtensions`), so every later property read of the
 * copy (each member's handler reads its `type`) misses V8's inline caches.
 * Measured: 0.8 against 0.1 µs to copy, freeze and read a chat message.
 */
export function frozenCopy(message: ChannelMessage): ChannelMessage {
  for (const key of Object.keys(message)) {
    const value = message[key];
    if (
      (typeof value === 'object' && value !== null) ||
      typeof value === 'function' ||
      typeof value === 'symbol' ||
      key === '__proto__'
    ) {
      return deepFreeze(structuredClone(message));
    }
  }
  return Object.freeze(Object.assign({}, message));
}
