import { nextScore } from './scores';

describe('nextScore', () => {
  it('should be Unix seconds with six decimals, near the clock', () => {
    const score = nextScore();
    expect(score).toMatch(/^\d{10}\.\d{6}$/);
    expect(Math.abs(Number(score) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('should increase strictly from one call to the next, even within a microsecond', () => {
    const scores = Array.from({ length: 10_000 }, () => nextScore());
    for (let i = 1; i < scores.length; i++) {
      expect(Number(scores[i]) > Number(scores[i - 1])).toBe(true);
    }
  });
});
