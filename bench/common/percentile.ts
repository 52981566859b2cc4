/** The `p` quantile (0–1) of ascending `sorted`, NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/**
 * The median of `values` (any order; the mean of the middle two when even),
 * leaving out NaN (a run with no deliveries has no latency); NaN when none is left.
 */
export function median(values: readonly number[]): number {
  const sorted = values
    .filter((value) => !Number.isNaN(value))
    .sort((a, b) => a - b);
  const middle = sorted.length / 2;
  if (sorted.length === 0) {
    return Number.NaN;
  }
  return Number.isInteger(middle)
    ? (sorted[middle - 1] + sorted[middle]) / 2
    : sorted[Math.floor(middle)];
}
