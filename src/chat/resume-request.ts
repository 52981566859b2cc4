/** What a connection asks of the room's history on its URL. */
export type ResumeRequest =
  { readonly last: number } | { readonly since: string };

/** Longest `since` id accepted (a Redis stream id has at most 41 characters). */
const MAX_ID_LENGTH = 64;

/**
 * Reads `?since=<id>` (which wins) or `?history=N` from a WebSocket request
 * target; `N` is capped at `size`, the messages a room keeps.
 * @returns `undefined` when neither is there, or a string saying what is wrong.
 */
export function parseResumeRequest(
  url: string,
  size: number,
): ResumeRequest | string | undefined {
  const query = new URL(url, 'http://localhost').searchParams;
  const since = query.get('since');
  if (since !== null) {
    return since.length > 0 && since.length <= MAX_ID_LENGTH
      ? { since }
      : `since must be a message id (at most ${MAX_ID_LENGTH} characters)`;
  }
  const history = query.get('history');
  if (history === null) {
    return undefined;
  }
  return /^\d{1,9}$/.test(history)
    ? { last: Math.min(Number(history), size) }
    : 'history must be a number of messages';
}
