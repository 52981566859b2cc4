import { compareHistoryIds, isHistoryId, isNextHistoryId } from './history-id';

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
    expect(isHistoryId('0-0')).toBe(true);
    expect(isHistoryId('01-2')).toBe(false);
    expect(isHistoryId('1-02')).toBe(false);
  });
});

describe('isNextHistoryId', () => {
  it('should accept the next sequence of the same epoch only', () => {
    expect(isNextHistoryId('1000-4', '1000-5')).toBe(true);
    expect(isNextHistoryId('1000-4', '1000-6')).toBe(false);
    expect(isNextHistoryId('1000-4', '1000-4')).toBe(false);
    expect(isNextHistoryId('1000-9', '1000-10')).toBe(true);
    expect(isNextHistoryId('1000-4', '1001-5')).toBe(false);
    expect(
      isNextHistoryId('1000-18446744073709551614', '1000-18446744073709551615'),
    ).toBe(true);
  });

  it('should accept the first id of a later epoch, whatever came before', () => {
    expect(isNextHistoryId('1000-4', '2000-0')).toBe(true);
    expect(isNextHistoryId('0-0', '2000-0')).toBe(true);
    expect(isNextHistoryId('2000-4', '1000-0')).toBe(false);
    expect(isNextHistoryId('2000-0', '2000-0')).toBe(false);
  });
});
