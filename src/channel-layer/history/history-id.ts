/**
 * A history id: `<epoch>-<sequence>`, a Redis stream id, so every backend's
 * ids compare the same way. The epoch is the millisecond a group's history
 * began (a later one once it lapsed or was lost); the sequence counts that
 * history's messages from 0, one by one, so a receiver can tell when one is
 * missing. Opaque to clients. Both numbers are written as Redis writes them,
 * without leading zeros, so ids compare by length, then character by character.
 */
const HISTORY_ID = /^(?:0|[1-9]\d{0,19})-(?:0|[1-9]\d{0,19})$/;

/** Whether `text` has the form of a history id. */
export function isHistoryId(text: string): boolean {
  return HISTORY_ID.test(text);
}

/** Negative, zero or positive as `a` is before, equal to or after `b` (both valid ids). */
export function compareHistoryIds(a: string, b: string): number {
  const [aEpoch, aSequence] = parts(a);
  const [bEpoch, bSequence] = parts(b);
  return compareNumbers(aEpoch, bEpoch) || compareNumbers(aSequence, bSequence);
}

/**
 * Whether `id` is the one stored right after `previous` (both valid ids):
 * the next sequence of the same epoch, or the first of a later epoch.
 */
export function isNextHistoryId(previous: string, id: string): boolean {
  const [epoch, sequence] = parts(id);
  const [previousEpoch, previousSequence] = parts(previous);
  if (sequence === '0') {
    return compareNumbers(previousEpoch, epoch) < 0;
  }
  return previousEpoch === epoch && increment(previousSequence) === sequence;
}

function parts(id: string): [epoch: string, sequence: string] {
  const dash = id.indexOf('-');
  return [id.slice(0, dash), id.slice(dash + 1)];
}

/** Compares two decimal numbers written without leading zeros. */
function compareNumbers(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function increment(number: string): string {
  return number.length < 16
    ? String(Number(number) + 1)
    : String(BigInt(number) + 1n);
}
