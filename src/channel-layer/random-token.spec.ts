import { randomToken } from './random-token';

/** A byte source that hands out `bytes` in order. */
function fixedBytes(bytes: number[]): (size: number) => Uint8Array {
  let next = 0;
  return (size) => {
    next += size;
    return Uint8Array.from(bytes.slice(next - size, next));
  };
}

describe('randomToken', () => {
  it('should give every letter the same share of the byte values', () => {
    const all = Array.from({ length: 256 }, (_, byte) => byte);
    const token = randomToken(208, fixedBytes(all));
    const counts = new Map<string, number>();
    for (const letter of token) {
      counts.set(letter, (counts.get(letter) ?? 0) + 1);
    }
    expect(counts.size).toBe(52);
    expect(new Set(counts.values())).toEqual(new Set([4]));
  });

  it('should draw again for a byte that would favour some letters', () => {
    expect(randomToken(2, fixedBytes([255, 208, 0, 51]))).toBe('aZ');
  });

  it('should give 12 ASCII letters by default', () => {
    expect(randomToken()).toMatch(/^[a-zA-Z]{12}$/);
  });
});
