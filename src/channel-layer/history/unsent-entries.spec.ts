import { Logger } from '@nestjs/common';
import { UnsentEntries } from './unsent-entries';

/** A `remove` that fails while `redisAway` is set, and records what it was asked. */
function recorder(): {
  calls: { index: number; key: string; ids: string[] }[];
  setAway: (away: boolean) => void;
  remove: (index: number, key: string, ids: string[]) => Promise<unknown>;
} {
  const calls: { index: number; key: string; ids: string[] }[] = [];
  let redisAway = true;
  return {
    calls,
    setAway: (away) => (redisAway = away),
    remove: (index, key, ids) => {
      calls.push({ index, key, ids });
      return redisAway
        ? Promise.reject(new Error('Redis is away'))
        : Promise.resolve(ids.length);
    },
  };
}

/** Lets the timer of the next retry fire and the retry's deletes settle. */
async function nextRetry(): Promise<void> {
  await jest.advanceTimersByTimeAsync(1_000);
}

describe('UnsentEntries', () => {
  let logger: Logger;

  beforeEach(() => {
    jest.useFakeTimers();
    logger = new Logger('test');
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('deletes an entry at once, and again every second, one command per stream, until Redis takes it', async () => {
    const { calls, setAway, remove } = recorder();
    const unsent = new UnsentEntries(remove, logger);
    unsent.forget(0, 'a', '1-0');
    unsent.forget(0, 'a', '1-1');
    unsent.forget(1, 'b', '2-0');
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([
      { index: 0, key: 'a', ids: ['1-0'] },
      { index: 0, key: 'a', ids: ['1-1'] },
      { index: 1, key: 'b', ids: ['2-0'] },
    ]);

    calls.length = 0;
    await nextRetry();
    expect(calls).toEqual([
      { index: 0, key: 'a', ids: ['1-0', '1-1'] },
      { index: 1, key: 'b', ids: ['2-0'] },
    ]);

    setAway(false);
    calls.length = 0;
    await nextRetry();
    expect(calls).toHaveLength(2);
    calls.length = 0;
    await nextRetry();
    expect(calls).toEqual([]);
    unsent.stop();
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('keeps at most 1,000 entries, giving up the oldest with a warning', async () => {
    const { calls, remove } = recorder();
    const unsent = new UnsentEntries(remove, logger);
    for (let n = 0; n <= 1_000; n++) {
      unsent.forget(0, 'a', `1-${n}`);
    }
    await jest.advanceTimersByTimeAsync(0);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('1-0 '));

    calls.length = 0;
    await nextRetry();
    expect(calls).toHaveLength(1);
    expect(calls[0].ids).toHaveLength(1_000);
    expect(calls[0].ids[0]).toBe('1-1');
  });

  it('stops retrying once stopped, and says how many stay', async () => {
    const { calls, remove } = recorder();
    const unsent = new UnsentEntries(remove, logger);
    unsent.forget(0, 'a', '1-0');
    await jest.advanceTimersByTimeAsync(0);
    unsent.stop();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('1 messages whose send failed stay'),
    );
    calls.length = 0;
    await nextRetry();
    expect(calls).toEqual([]);
  });
});
