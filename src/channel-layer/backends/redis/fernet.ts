import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { InvalidTokenError } from '../../errors/invalid-token.error';

const VERSION = 0x80;
const HEADER = 1 + 8 + 16;
const HMAC_LENGTH = 32;
/** Seconds a token's timestamp may lie ahead of this clock (Python's `_MAX_CLOCK_SKEW`). */
const MAX_CLOCK_SKEW_S = 60;

interface FernetKey {
  readonly signing: Buffer;
  readonly encryption: Buffer;
}

/**
 * channels_redis's key derivation: `Fernet(urlsafe_b64encode(sha256(key)))`,
 * so the 32 key bytes are the SHA-256 of the configured key.
 */
function deriveKey(key: string): FernetKey {
  const digest = createHash('sha256').update(key, 'utf8').digest();
  return { signing: digest.subarray(0, 16), encryption: digest.subarray(16) };
}

/**
 * Fernet tokens (the spec `cryptography.fernet` implements) with MultiFernet
 * key rotation: the first key encrypts, any key decrypts. Written on
 * node:crypto because no maintained npm package does Fernet (the `fernet`
 * package is unmaintained and built on crypto-js); it is 60 lines of spec.
 */
export class MultiFernet {
  private readonly keys: readonly FernetKey[];

  constructor(keys: readonly string[]) {
    this.keys = keys.map(deriveKey);
  }

  /** The token, as URL-safe base64 with padding, in bytes (what channels_redis stores). */
  encrypt(data: Buffer, now = Date.now()): Buffer {
    const key = this.keys[0];
    const iv = randomBytes(16);
    const header = Buffer.alloc(HEADER);
    header[0] = VERSION;
    header.writeBigUInt64BE(BigInt(Math.floor(now / 1000)), 1);
    iv.copy(header, 9);
    const cipher = createCipheriv('aes-128-cbc', key.encryption, iv);
    const body = Buffer.concat([header, cipher.update(data), cipher.final()]);
    const hmac = createHmac('sha256', key.signing).update(body).digest();
    return Buffer.from(
      Buffer.concat([body, hmac])
        .toString('base64url')
        .padEnd(Math.ceil((body.length + HMAC_LENGTH) / 3) * 4, '='),
      'ascii',
    );
  }

  /**
   * The plaintext of `token`, if a key signed it and it is at most `ttlSeconds` old.
   * @throws InvalidTokenError otherwise.
   */
  decrypt(token: Buffer, ttlSeconds?: number, now = Date.now()): Buffer {
    const raw = Buffer.from(token.toString('ascii'), 'base64url');
    if (raw.length < HEADER + HMAC_LENGTH + 16 || raw[0] !== VERSION) {
      throw new InvalidTokenError('malformed token');
    }
    const timestamp = Number(raw.readBigUInt64BE(1));
    const nowS = Math.floor(now / 1000);
    if (ttlSeconds !== undefined && timestamp + ttlSeconds < nowS) {
      throw new InvalidTokenError('token expired');
    }
    if (nowS + MAX_CLOCK_SKEW_S < timestamp) {
      throw new InvalidTokenError('token from the future');
    }
    const body = raw.subarray(0, raw.length - HMAC_LENGTH);
    const mac = raw.subarray(raw.length - HMAC_LENGTH);
    for (const key of this.keys) {
      const expected = createHmac('sha256', key.signing).update(body).digest();
      if (timingSafeEqual(expected, mac)) {
        const decipher = createDecipheriv(
          'aes-128-cbc',
          key.encryption,
          raw.subarray(9, HEADER),
        );
        try {
          return Buffer.concat([
            decipher.update(body.subarray(HEADER)),
            decipher.final(),
          ]);
        } catch {
          throw new InvalidTokenError('bad padding');
        }
      }
    }
    throw new InvalidTokenError('no key matches the signature');
  }
}
