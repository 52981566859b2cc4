import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChannelMessage } from '../../interfaces/channel-message.interface';
import { MultiFernet } from './fernet';
import { PYTHON_MSGPACK } from '../redis-common/python-msgpack';
import { MessageCodec } from './message-codec';
import { shardIndex } from '../redis-common/shards';

interface Sample {
  message: ChannelMessage;
  serialized: string;
}

/** Bytes from the real channels_redis 4.0 (test/fixtures/channels-redis/make_fixtures.py). */
const fixture = JSON.parse(
  readFileSync(
    join(__dirname, '../../../../test/fixtures/channels-redis/codec.json'),
    'utf8',
  ),
) as {
  plain: Sample[];
  encrypted: {
    keys: string[];
    created: number;
    expiry: number;
    by_first_key: Sample[];
    by_old_key: Sample[];
  };
  shards: Record<string, Record<string, number>>;
};

const RANDOM_PREFIX = 12;

describe('MessageCodec against channels_redis 4.0 bytes', () => {
  it.each(fixture.plain)(
    'should decode what channels_redis serialized: $message.type',
    ({ message, serialized }) => {
      expect(new MessageCodec().decode(Buffer.from(serialized, 'hex'))).toEqual(
        message,
      );
    },
  );

  // JavaScript numbers beyond 32-bit integers are written as float64 by
  // msgpackr (Python reads a float); they are read back as numbers.
  it.each(fixture.plain.filter(({ message }) => message.type !== 'big_int'))(
    'should write the same msgpack bytes as channels_redis after the random prefix: $message.type',
    ({ message, serialized }) => {
      const encoded = new MessageCodec().encode(message);
      expect(encoded.subarray(RANDOM_PREFIX).toString('hex')).toBe(
        serialized.slice(RANDOM_PREFIX * 2),
      );
    },
  );

  it('should put 12 random bytes first, so equal messages differ', () => {
    const codec = new MessageCodec();
    const message = { type: 'same' };
    expect(codec.encode(message).equals(codec.encode(message))).toBe(false);
  });

  describe('encrypted (symmetric_encryption_keys)', () => {
    const { keys, created, expiry } = fixture.encrypted;
    const decrypt = (serialized: string, at = created * 1000): unknown =>
      PYTHON_MSGPACK.unpack(
        new MultiFernet(keys).decrypt(
          Buffer.from(serialized, 'hex').subarray(RANDOM_PREFIX),
          expiry + 10,
          at,
        ),
      );

    it.each(fixture.encrypted.by_first_key)(
      'should decrypt what channels_redis encrypted with the first key: $message.type',
      ({ message, serialized }) => {
        expect(decrypt(serialized)).toEqual(message);
      },
    );

    it.each(fixture.encrypted.by_old_key)(
      'should decrypt what channels_redis encrypted with a rotated-out key: $message.type',
      ({ message, serialized }) => {
        expect(decrypt(serialized)).toEqual(message);
      },
    );

    it('should refuse a token older than expiry + 10 seconds, as channels_redis', () => {
      const [{ serialized }] = fixture.encrypted.by_first_key;
      expect(() => decrypt(serialized, (created + expiry + 11) * 1000)).toThrow(
        'token expired',
      );
    });

    it('should refuse a token under keys that did not sign it', () => {
      const [{ serialized }] = fixture.encrypted.by_first_key;
      const token = Buffer.from(serialized, 'hex').subarray(RANDOM_PREFIX);
      expect(() =>
        new MultiFernet(['another-key']).decrypt(
          token,
          expiry + 10,
          created * 1000,
        ),
      ).toThrow('no key matches the signature');
    });

    it('should round-trip through its own encryption with the first key', () => {
      const message = { type: 'chat.message', message: 'secret' };
      const encoded = new MessageCodec(keys).encode(message);
      expect(new MessageCodec([keys[0]]).decode(encoded)).toEqual(message);
      expect(() => new MessageCodec([keys[1]]).decode(encoded)).toThrow();
    });
  });

  describe('shards (consistent_hash)', () => {
    const cases = Object.entries(fixture.shards).flatMap(([count, names]) =>
      Object.entries(names).map(([name, index]) => ({
        count: Number(count),
        name,
        index,
      })),
    );

    it.each(cases)(
      'should map $name to shard $index of $count as channels_redis',
      ({ count, name, index }) => {
        expect(shardIndex(name, count)).toBe(index);
      },
    );
  });
});
