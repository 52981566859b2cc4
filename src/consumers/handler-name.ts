/**
 * The handler key of a message type, as Channels' `get_handler_name` derives it:
 * `.` becomes `_`, so `chat.message` and `chat_message` reach one handler.
 * Returns `undefined` for a type Channels refuses (empty or starting with `_`).
 */
export function handlerKey(type: unknown): string | undefined {
  if (typeof type !== 'string') {
    return undefined;
  }
  const key = type.replaceAll('.', '_');
  return key === '' || key.startsWith('_') ? undefined : key;
}
