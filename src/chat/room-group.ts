import { MAX_NAME_LENGTH } from '../channel-layer';

const ASCII_ROOM = /^[a-zA-Z\d\-_.]+$/;
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The group of a chat room, or `undefined` for a room that cannot have one.
 *
 * - A room of ASCII letters, digits, `_`, `-` and `.` is group `chat_<room>`,
 *   as in the Channels tutorial.
 * - Any other room (Korean, spaces, emoji) is group `chat-u.<base64url>`: the
 *   unpadded URL-safe base64 of its UTF-8 bytes. Python computes the same with
 *   `'chat-u.' + base64.urlsafe_b64encode(room.encode()).decode().rstrip('=')`.
 *   Such groups cannot collide with the first kind, which all start `chat_`.
 * - A room with control characters, or whose group would be 100 characters or
 *   longer, has no group and is refused.
 */
export function roomGroup(room: string): string | undefined {
  if (room.length === 0 || CONTROL.test(room)) {
    return undefined;
  }
  const group = ASCII_ROOM.test(room)
    ? `chat_${room}`
    : `chat-u.${Buffer.from(room, 'utf8').toString('base64url')}`;
  return group.length < MAX_NAME_LENGTH ? group : undefined;
}
