/**
 * Freezes `value` and the plain objects and arrays inside it, so that a
 * message shared by several consumers cannot be changed by one of them.
 * Binary values (a `Buffer` decoded from msgpack) are left as they are: a
 * typed array with elements cannot be frozen.
 */
export function deepFreeze<T>(value: T): T {
  if (
    typeof value !== 'object' ||
    value === null ||
    ArrayBuffer.isView(value)
  ) {
    return value;
  }
  if (!Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) {
      deepFreeze(inner);
    }
  }
  return value;
}
