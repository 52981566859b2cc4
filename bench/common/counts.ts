/** Counts by kind (`room_overloaded` → 12), as the bench adds up error replies. */
export type Counts = Record<string, number>;

/** `[kind, count]` pairs added up by kind. */
export function sumCounts(pairs: Iterable<readonly [string, number]>): Counts {
  const sum: Counts = {};
  for (const [kind, count] of pairs) {
    sum[kind] = (sum[kind] ?? 0) + count;
  }
  return sum;
}
