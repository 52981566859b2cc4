import { RandomPrefixes } from './random-prefixes';

describe('RandomPrefixes', () => {
  it('should give prefixes of the length asked, all different, across refills of the pool', () => {
    const prefixes = new RandomPrefixes(12);
    const seen = new Set<string>();
    for (let i = 0; i < 1_000; i++) {
      const prefix = prefixes.next();
      expect(prefix).toHaveLength(12);
      seen.add(prefix.toString('hex'));
    }
    expect(seen.size).toBe(1_000);
  });
});
