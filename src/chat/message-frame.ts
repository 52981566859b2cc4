import type { ChannelMessage } from '../channel-layer';

/**
 * The frame a client receives for a chat message: `{"message": …}`, plus its
 * `"id"` when the room keeps history (messages group-sent by others, such as
 * a Django process, have none).
 */
export function messageFrame(message: ChannelMessage): string {
  return JSON.stringify(
    typeof message.id === 'string'
      ? { message: message.message, id: message.id }
      : { message: message.message },
  );
}
