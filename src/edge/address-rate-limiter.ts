import { TokenBucket } from './token-bucket';

/** Addresses remembered at most; the least recently seen is forgotten first. */
const MAX_ADDRESSES = 100_000;

/**
 * A token bucket per client address (see `rateLimitKey`), kept across that
 * client's connections, so reconnecting does not refill it. Memory is bounded:
 * past `maxAddresses` the address seen longest ago is dropped, which can only
 * refill that address's bucket.
 */
export class AddressRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  /** The key seen last: already the most recent, so not moved again. */
  private latest?: string;

  /**
   * @param perMinute tokens added per minute, sustained.
   * @param burst tokens an address may spend at once.
   * @param maxAddresses addresses remembered at most.
   */
  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly maxAddresses = MAX_ADDRESSES,
  ) {}

  /** Takes a token for `key`: false when that address is over its limit. */
  take(key: string): boolean {
    let bucket = this.buckets.get(key);
    if (bucket && key === this.latest) {
      return bucket.take(); // a Map delete and set per frame, saved
    }
    this.latest = key;
    if (bucket) {
      this.buckets.delete(key); // re-inserted below: most recently seen last
    } else {
      bucket = new TokenBucket(this.perMinute / 60, this.burst);
      if (this.buckets.size >= this.maxAddresses) {
        this.buckets.delete(this.buckets.keys().next().value as string);
      }
    }
    this.buckets.set(key, bucket);
    return bucket.take();
  }

  /** Whether `take(key)` would succeed now; takes nothing. */
  wouldTake(key: string): boolean {
    return this.buckets.get(key)?.available ?? true;
  }
}
