import { createHash, timingSafeEqual } from 'node:crypto';

/** A token's SHA-256: equal lengths for `timingSafeEqual`, whatever was sent. */
const digest = (token: string): Buffer =>
  createHash('sha256').update(token, 'utf8').digest();

/**
 * The bearer tokens of `API_TOKENS`, compared in constant time: every
 * configured token is compared, and the comparison itself does not stop at
 * the first differing byte, so the time taken says nothing about a token.
 */
export class ApiTokens {
  private readonly digests: ReadonlyArray<{ token: string; digest: Buffer }>;

  constructor(tokens: readonly string[]) {
    this.digests = tokens.map((token) => ({ token, digest: digest(token) }));
  }

  /** The configured token an `Authorization: Bearer <token>` header carries, if any. */
  match(authorization: string | undefined): string | undefined {
    const sent = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
    if (sent === undefined) {
      return undefined;
    }
    const sentDigest = digest(sent);
    let found: string | undefined;
    for (const { token, digest: expected } of this.digests) {
      if (timingSafeEqual(sentDigest, expected)) {
        found = token;
      }
    }
    return found;
  }
}
