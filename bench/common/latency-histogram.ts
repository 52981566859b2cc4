/** Relative width of a bucket: values are kept to within 2 %. */
const GROWTH = 1.02;
/** Latencies below this (ms) share the first bucket. */
const FLOOR_MS = 0.01;
const LOG_GROWTH = Math.log(GROWTH);

/** Sparse counts, `[bucket, count]` pairs, as sent between processes. */
export type HistogramCounts = Array<[number, number]>;

/**
 * Latencies in logarithmic buckets (2 % wide), so millions of deliveries cost
 * a few hundred numbers and merge across load-generator processes.
 */
export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  count = 0;
  max = 0;

  static bucketOf(ms: number): number {
    return ms <= FLOOR_MS
      ? 0
      : Math.max(0, Math.ceil(Math.log(ms / FLOOR_MS) / LOG_GROWTH));
  }

  record(ms: number): void {
    const bucket = LatencyHistogram.bucketOf(ms);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.count++;
    this.max = Math.max(this.max, ms);
  }

  merge(counts: HistogramCounts, max: number): void {
    for (const [bucket, count] of counts) {
      this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + count);
      this.count += count;
    }
    this.max = Math.max(this.max, max);
  }

  toJSON(): { counts: HistogramCounts; max: number } {
    return { counts: [...this.counts], max: this.max };
  }

  /** The `p` quantile (0–1): the upper edge of its bucket, NaN when empty. */
  quantile(p: number): number {
    if (this.count === 0) {
      return Number.NaN;
    }
    const rank = Math.ceil(p * this.count);
    let seen = 0;
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket) ?? 0;
      if (seen >= rank) {
        return Math.min(this.max, FLOOR_MS * GROWTH ** bucket);
      }
    }
    return this.max;
  }
}
