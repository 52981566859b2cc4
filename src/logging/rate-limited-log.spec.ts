import { Logger } from '@nestjs/common';
import { RateLimitedLog } from './rate-limited-log';

/** A Logger that keeps its lines instead of printing them. */
class KeptLines extends Logger {
  readonly lines: Array<{ message: unknown; fields: unknown }> = [];

  override warn(message: unknown, fields?: unknown): void {
    this.lines.push({ message, fields });
  }
}

describe('RateLimitedLog', () => {
  it('should write a burst, hold back the rest, and say how many it held back', () => {
    const logger = new KeptLines();
    const log = new RateLimitedLog(logger, {
      perSecond: 1,
      burst: 3,
      now: () => 0,
    });
    for (let line = 0; line < 10; line++) {
      log.warn('refused', `refused ${line}`, { code: 403 });
    }
    expect(logger.lines.map(({ message }) => message)).toEqual([
      'refused 0',
      'refused 1',
      'refused 2',
    ]);
    log.flush();
    expect(logger.lines).toHaveLength(4);
    expect(logger.lines[3]).toEqual({
      message: 'suppressed 7 refused lines',
      fields: { kind: 'refused', suppressed: 7 },
    });
  });

  it('should limit each kind on its own', () => {
    const logger = new KeptLines();
    const log = new RateLimitedLog(logger, {
      perSecond: 1,
      burst: 1,
      now: () => 0,
    });
    log.warn('refused', 'a', {});
    log.warn('refused', 'b', {});
    log.warn('closed', 'c', {});
    expect(logger.lines.map(({ message }) => message)).toEqual(['a', 'c']);
    log.flush();
  });

  it('should write again once the bucket has refilled', () => {
    const logger = new KeptLines();
    let now = 0;
    const log = new RateLimitedLog(logger, {
      perSecond: 1,
      burst: 1,
      now: () => now,
    });
    log.warn('refused', 'a', {});
    log.warn('refused', 'b', {});
    now = 1_000;
    log.warn('refused', 'c', {});
    expect(logger.lines.map(({ message }) => message)).toEqual(['a', 'c']);
    log.flush();
  });
});
