/** Shared by all buckets: a default written inline would be a closure per bucket. */
const monotonicNow = (): number => performance.now();

/**
 * A token bucket: `burst` tokens, refilled at `ratePerSecond`; each message
 * takes one. Written here because it is a dozen lines with a clock to
 * inject; the limiter packages on npm are built for HTTP middleware.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  /** Messages refused since the last one taken. */
  refusedInARow = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = monotonicNow,
  ) {
    this.tokens = burst;
    this.updatedAt = now();
  }

  /** Whether `take()` would succeed now; takes nothing. */
  get available(): boolean {
    return this.refilled(this.now()) >= 1;
  }

  /** Takes a token: true if there was one. */
  take(): boolean {
    const now = this.now();
    this.tokens = this.refilled(now);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.refusedInARow = 0;
      return true;
    }
    this.refusedInARow += 1;
    return false;
  }

  private refilled(now: number): number {
    return Math.min(
      this.burst,
      this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond,
    );
  }
}
