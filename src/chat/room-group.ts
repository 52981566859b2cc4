import { MAX_NAME_LENGTH } from '../channel-layer';
import { normalizeRoomName } from './room-name';

const ASCII_ROOM = /^[a-zA-Z\d\-_.]+$/;

/**
 * The group of a chat room, or `undefined` for a room that cannot have one.
 *
 * - A room of ASCII letters, digits, `_`, `-` and `.` is group `chat_<room>`,
 *   as in the Channels tutorial.
 * - Any other room (Korean, spaces, emoji) is group `chat-u.<base64url>`: the
 *   unpadded URL-safe base64 of its UTF-8 bytes. Python computes the same with
 *   `'chat-u.' + base64.urlsafe_b64encode(room.encode()).decode().rstrip('=')`.
 *   Such groups cannot collide with the first kind, which all start `chat_`.
 * - The room is first put in Unicode NFC (`unicodedata.normalize('NFC', room)`
 *   in Python), so the two spellings of `é` are one room; a name already in
 *   NFC (every ASCII name, and what keyboards type) keeps its group.
 * - A room with control, invisible or bidi-control characters (see
 *   `normalizeRoomName`), or whose group would be 100 characters or longer,
 *   has no group and is refused.
 */
export function roomGroup(raw: string): string | undefined {
  const room = normalizeRoomName(raw);
  if (room === undefined || room.length === 0) {
    return undefined;
  }
  const group = ASCII_ROOM.test(room)
    ? `chat_${room}`
    : `chat-u.${Buffer.from(room, 'utf8').toString('base64url')}`;
  return group.length < MAX_NAME_LENGTH ? group : undefined;
}
