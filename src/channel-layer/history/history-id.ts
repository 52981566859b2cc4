/**
 * A history id: `<milliseconds>-<sequence>`, as a Redis stream id, so every
 * backend's ids compare the same way. Opaque to clients.
 */
const HISTORY_ID = /^(\d{1,20})-(\d{1,20})$/;

/** Whether `text` has the form of a history id. */
export function isHistoryId(text: string): boolean {
  return HISTORY_ID.test(text);
}

/** Negative, zero or positive as `a` is before, equal to or after `b` (both valid ids). */
export function compareHistoryIds(a: string, b: string): number {
  const [, aMs, aSeq] = HISTORY_ID.exec(a) ?? [];
  const [, bMs, bSeq] = HISTORY_ID.exec(b) ?? [];
  const ms = BigInt(aMs) - BigInt(bMs);
  const diff = ms !== 0n ? ms : BigInt(aSeq) - BigInt(bSeq);
  return diff === 0n ? 0 : diff < 0n ? -1 : 1;
}
