import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  let clock = 0;
  const now = (): number => clock;

  beforeEach(() => {
    clock = 0;
  });

  it('should allow a burst, then refuse until tokens refill at the rate', () => {
    const bucket = new TokenBucket(2, 3, now);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([
      true,
      true,
      true,
    ]);
    expect(bucket.take()).toBe(false);
    clock = 499;
    expect(bucket.take()).toBe(false);
    clock = 1_000;
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('should never hold more than the burst', () => {
    const bucket = new TokenBucket(100, 2, now);
    clock = 60_000;
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('should count refusals in a row, reset by a message taken', () => {
    const bucket = new TokenBucket(1, 1, now);
    bucket.take();
    bucket.take();
    bucket.take();
    expect(bucket.refusedInARow).toBe(2);
    clock = 1_000;
    bucket.take();
    expect(bucket.refusedInARow).toBe(0);
  });
});
