import { crc32 } from 'node:zlib';

/**
 * The tests' own reading of channels_redis 4.0's shard choice, written
 * apart from the backends' so that the interop and layout tests check the
 * code rather than repeat it.
 */

/** channels_redis's `_consistent_hash`: CRC32 of the UTF-8 name, 12 bits, scaled to the ring. */
export function shardIndex(name: string, shardCount: number): number {
  if (shardCount === 1) {
    return 0;
  }
  const value = crc32(Buffer.from(name, 'utf8')) & 0xfff;
  return Math.floor(value / (4096 / shardCount));
}

/** channels_redis's `non_local_name`: a process-local channel hashes up to and with its `!`. */
export function nonLocalName(channel: string): string {
  const bang = channel.indexOf('!');
  return bang === -1 ? channel : channel.slice(0, bang + 1);
}
