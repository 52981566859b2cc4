import { randomUUID } from 'node:crypto';

/** A random name part as channels_redis makes them: a UUID's 32 hex digits. */
export function uuidHex(): string {
  return randomUUID().replaceAll('-', '');
}
