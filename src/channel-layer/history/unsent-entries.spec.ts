import { Logger } from '@nestjs/common';
import { UnsentEntries, type UnsentEntry } from './unsent-entries';

/** An entry of stream `key` on shard `index`. */
const entry = (index: number, key: string, id: string): UnsentEntry => ({
  index,
  key,
  id,
  sha1: `sha1 of ${id}`,
});

/** A `remove` that fails while Redis is away, and records the ids it was asked to delete. */
function recorder(): {
  calls: { index: number; key: string; ids: string[] }[];
  setAway: (away: boolean) => void;
  remove: (
    index: number,
    key: string,
    entries: UnsentEntry[],
  ) => Promise<unknown>;
} {
  const calls: { index: number; key: string; ids: string[] }[] = [];
  let redisAway = true;
  return {
    calls,
    setAway: (away) => (redisAway = away),
    remove: (index, key, entries) => {
      calls.push({ index, key, ids: entries.map(({ id }) => id) });
      return redisAway
        ? Promise.reject(new Error('Redis is away'))
        : Promise.resolve(entries.length);
    },
  };
}

/** Lets the timer of the next attempt fire and its deletes settle. */
async function nextAttempt(): Promise<void> {
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

  it('deletes an entry at once, then what is left every second, one command per stream, until Redis takes it', async () => {
    const { calls, setAway, remove } = recorder();
    const unsent = new UnsentEntries(remove, logger);
    unsent.forget(entry(0, 'a', '1-0'));
    // These come while the first attempt is in flight: they wait for the next.
    unsent.forget(entry(0, 'a', '1-1'));
    unsent.forget(entry(1, 'b', '2-0'));
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([{ index: 0, key: 'a', ids: ['1-0'] }]);

    calls.length = 0;
    await nextAttempt();
    expect(calls).toEqual([
      { index: 0, key: 'a', ids: ['1-0', '1-1'] },
      { index: 1, key: 'b', ids: ['2-0'] },
    ]);

    setAway(false);
    calls.length = 0;
    await nextAttempt();
    expect(calls).toHaveLength(2);
    calls.length = 0;
    await nextAttempt();
    expect(calls).toEqual([]);
    unsent.stop();
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('keeps at most 1,000 waiting, giving up the oldest with one warning', async () => {
    const { calls, remove } = recorder();
    const unsent = new UnsentEntries(remove, logger);
    for (let n = 0; n <= 1_001; n++) {
      unsent.forget(entry(0, 'a', `1-${n}`));
    }
    await jest.advanceTimersByTimeAsync(0);
    // 1-0 failed in flight while 1,001 more came: the two oldest are given up.
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('2 messages whose send failed stay'),
    );
    calls.length = 0;
    await nextAttempt();
    expect(calls).toHaveLength(1);
    expect(calls[0].ids).toHaveLength(1_000);
    expect(calls[0].ids.slice(0, 2)).toEqual(['1-2', '1-3']);
    expect(calls[0].ids.at(-1)).toBe('1-1001');
  });

  it('stops deleting once stopped, and says how many stay, those in flight included', async () => {
    const { calls, remove } = recorder();
    const unsent = new UnsentEntries(remove, logger);
    unsent.forget(entry(0, 'a', '1-0'));
    unsent.forget(entry(0, 'a', '1-1'));
    unsent.stop();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('2 messages whose send failed stay'),
    );
    await jest.advanceTimersByTimeAsync(0);
    calls.length = 0;
    await nextAttempt();
    unsent.forget(entry(0, 'a', '1-2'));
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([]);
  });
});
