import { isHistoryId, type ChannelMessage } from '../channel-layer';

/**
 * The frame a client receives for a chat message: `{"message": …}`, plus its
 * `"id"` when the room keeps history (messages group-sent by others, such as
 * a Django process, have none; an `id` of another form that such a message
 * carries is not passed on).
 */
export function messageFrame(message: ChannelMessage): string {
  return JSON.stringify(
    typeof message.id === 'string' && isHistoryId(message.id)
      ? { message: message.message, id: message.id }
      : { message: message.message },
  );
}
