import { randomFillSync } from 'node:crypto';

/** Prefixes drawn from the system's random source at a time. */
const PER_REFILL = 256;

/**
 * Random byte strings of one length, cut from a pool refilled `PER_REFILL`
 * at a time: a call to the system's random source costs about what encoding
 * a small message does, and Node's `randomBytes` pools nothing for small
 * sizes. The bytes only keep equal messages apart in a sorted set (channels_redis
 * draws them from Python's non-cryptographic `random`), so sharing one draw
 * among many is safe.
 */
export class RandomPrefixes {
  private readonly pool: Buffer;
  private offset: number;

  constructor(private readonly length: number) {
    this.pool = Buffer.alloc(length * PER_REFILL);
    this.offset = this.pool.length;
  }

  /** The next prefix: a view of the pool, valid until the next call (copy it at once). */
  next(): Buffer {
    if (this.offset === this.pool.length) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const prefix = this.pool.subarray(this.offset, this.offset + this.length);
    this.offset += this.length;
    return prefix;
  }
}
