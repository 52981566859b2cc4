import { crc32 } from 'node:zlib';

/**
 * The shard of `name` among `shardCount` Redis servers, exactly as
 * channels_redis's `_consistent_hash`: CRC32 of the UTF-8 name, kept to 12
 * bits, scaled down to the ring. Groups hash their name; process-local
 * channels hash their non-local part (`specific.<process>!`).
 */
export function shardIndex(name: string, shardCount: number): number {
  if (shardCount === 1) {
    return 0;
  }
  const value = crc32(Buffer.from(name, 'utf8')) & 0xfff;
  return Math.floor(value / (4096 / shardCount));
}
