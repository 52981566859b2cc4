import type { ChannelMessage } from '../../interfaces/channel-message.interface';
import { PYTHON_MSGPACK } from '../redis-common/python-msgpack';
import { MultiFernet } from './fernet';
import { RandomPrefixes } from './random-prefixes';

/**
 * The message field naming the channel a message is for (from a group send,
 * the list of channels that share its key), under channels_redis's name:
 * every peer reads and writes it.
 */
export const CHANNEL_KEY = '__asgi_channel__';

/** channels_redis puts 12 random bytes before each value, so equal messages differ in a sorted set. */
const RANDOM_PREFIX_LENGTH = 12;

/**
 * A message's bytes in Redis, as channels_redis 4.0's `serialize`: 12 random
 * bytes, then msgpack, Fernet-encrypted when keys are set.
 */
export class MessageCodec {
  private readonly crypter?: MultiFernet;
  private readonly prefixes = new RandomPrefixes(RANDOM_PREFIX_LENGTH);

  /**
   * @param keys channels_redis `symmetric_encryption_keys`; none: no encryption.
   * @param expiry seconds; a decrypted token older than expiry + 10 is refused, as in channels_redis.
   */
  constructor(
    keys: readonly string[] = [],
    private readonly expiry = 60,
  ) {
    this.crypter = keys.length > 0 ? new MultiFernet(keys) : undefined;
  }

  encode(message: ChannelMessage): Buffer {
    const packed = PYTHON_MSGPACK.pack(message);
    const value = this.crypter ? this.crypter.encrypt(packed) : packed;
    return Buffer.concat([this.prefixes.next(), value]);
  }

  /**
   * For an unencrypted codec, the bytes of `message` with one more map entry
   * whose key is `key` and whose value is still to be written: the random
   * prefix, the map header, the entries, then `key`. Undefined when
   * encrypting (the value must be whole to be encrypted).
   */
  encodeHead(message: ChannelMessage, key: string): Buffer | undefined {
    if (this.crypter) {
      return undefined;
    }
    const packed = PYTHON_MSGPACK.pack(message);
    const [count, skip] =
      packed[0] <= 0x8f
        ? [packed[0] & 0x0f, 1]
        : packed[0] === 0xde
          ? [packed.readUInt16BE(1), 3]
          : [packed.readUInt32BE(1), 5];
    const entries = count + 1;
    const header =
      entries <= 15
        ? Buffer.of(0x80 + entries)
        : entries <= 0xffff
          ? Buffer.of(0xde, entries >> 8, entries & 0xff)
          : Buffer.concat([Buffer.of(0xdf), Buffer.alloc(4)]);
    if (entries > 0xffff) {
      header.writeUInt32BE(entries, 1);
    }
    return Buffer.concat([
      this.prefixes.next(),
      header,
      packed.subarray(skip),
      PYTHON_MSGPACK.pack(key),
    ]);
  }

  decode(data: Buffer): ChannelMessage {
    const value = data.subarray(RANDOM_PREFIX_LENGTH);
    const packed = this.crypter
      ? this.crypter.decrypt(value, this.expiry + 10)
      : value;
    return PYTHON_MSGPACK.unpack(packed) as ChannelMessage;
  }
}
