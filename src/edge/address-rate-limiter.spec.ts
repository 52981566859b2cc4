import { AddressRateLimiter } from './address-rate-limiter';

/** One token per address, refilled too slowly to matter within a test. */
const oneEach = (maxAddresses: number): AddressRateLimiter =>
  new AddressRateLimiter(0.001, 1, maxAddresses);

describe('AddressRateLimiter', () => {
  it('should keep one bucket per address', () => {
    const limiter = oneEach(10);
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
    expect(limiter.take('b')).toBe(true);
    expect(limiter.wouldTake('a')).toBe(false);
    expect(limiter.wouldTake('c')).toBe(true);
  });

  it('should forget the address seen longest ago once full, which refills only that one', () => {
    const limiter = oneEach(3);
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    limiter.take('a'); // seen again: now b is the oldest
    limiter.take('d'); // full: forgets b
    expect(limiter.wouldTake('b')).toBe(true);
    expect(limiter.wouldTake('a')).toBe(false);
    expect(limiter.wouldTake('c')).toBe(false);
    expect(limiter.wouldTake('d')).toBe(false);
  });

  it('should keep an address seen several times in a row as the most recent', () => {
    const limiter = oneEach(3);
    limiter.take('a');
    limiter.take('b');
    limiter.take('b');
    limiter.take('b');
    limiter.take('c');
    limiter.take('d'); // full: forgets a, not b
    expect(limiter.wouldTake('a')).toBe(true);
    expect(limiter.wouldTake('b')).toBe(false);
  });
});
