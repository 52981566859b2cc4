import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `length` random ASCII letters, as Channels' `"".join(random.choice(string.ascii_letters) ...)`. */
export function randomToken(length = 12): string {
  const bytes = randomBytes(length);
  let token = '';
  for (const byte of bytes) {
    token += ALPHABET[byte % ALPHABET.length];
  }
  return token;
}
