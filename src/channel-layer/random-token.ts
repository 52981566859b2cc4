import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Bytes from this value up are drawn again: 208 = 4 × 52, so each letter has 4 bytes. */
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

/**
 * `length` random ASCII letters, as Channels' `"".join(random.choice(string.ascii_letters) ...)`,
 * each equally likely: a byte of 208 or more is rejected (`byte % 52` alone
 * would favour the first 48 letters).
 * @param source random bytes; the tests give fixed ones.
 */
export function randomToken(
  length = 12,
  source: (size: number) => Uint8Array = randomBytes,
): string {
  let token = '';
  while (token.length < length) {
    for (const byte of source(length - token.length)) {
      if (byte < UNBIASED_LIMIT) {
        token += ALPHABET[byte % ALPHABET.length];
      }
    }
  }
  return token;
}
