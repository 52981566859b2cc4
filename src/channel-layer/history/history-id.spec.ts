import { compareHistoryIds, isHistoryId } from './history-id';

describe('compareHistoryIds', () => {
  it('should order by milliseconds, then by sequence, as numbers', () => {
    expect(compareHistoryIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareHistoryIds('10-10', '10-9')).toBeGreaterThan(0);
    expect(compareHistoryIds('10-1', '10-1')).toBe(0);
    expect(
      compareHistoryIds('18446744073709551615-1', '18446744073709551615-0'),
    ).toBeGreaterThan(0);
  });
});

describe('isHistoryId', () => {
  it('should accept Redis stream ids only', () => {
    expect(isHistoryId('1732790000000-0')).toBe(true);
    expect(isHistoryId('1732790000000')).toBe(false);
    expect(isHistoryId('a-1')).toBe(false);
    expect(isHistoryId('1-2-3')).toBe(false);
  });
});
