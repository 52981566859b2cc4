import type { HistoryMessage } from '../channel-layer';
import { MAX_HELD_MESSAGES, Replay } from './replay';

const stored = (id: string): HistoryMessage => ({
  type: 'chat.message',
  message: `m${id}`,
  id,
});

const message = (id?: string) => ({
  type: 'chat.message',
  message: `m${id ?? ''}`,
  ...(id === undefined ? {} : { id }),
});

describe('Replay', () => {
  it('should hold live messages until started, then drop those the history had', () => {
    const replay = new Replay({
      recovered: true,
      messages: [stored('5-0'), stored('6-0')],
      after: '4-0',
    });
    expect(replay.admit(message('6-0'))).toBe(false);
    expect(replay.admit(message('7-0'))).toBe(false);
    const { frames, live } = replay.start();
    expect(frames.map((frame) => JSON.parse(frame) as unknown)).toEqual([
      { recovered: true },
      { message: 'm5-0', id: '5-0' },
      { message: 'm6-0', id: '6-0' },
    ]);
    expect(live).toEqual([message('7-0')]);
    expect(replay.admit(message('8-0'))).toBe(true);
    expect(replay.start()).toEqual({ frames: [], live: [] });
  });

  it('should drop late duplicates after starting, and pass messages without id', () => {
    const replay = new Replay({ messages: [stored('5-0')] });
    replay.start();
    expect(replay.admit(message('5-0'))).toBe(false);
    expect(replay.admit(message())).toBe(true);
    expect(replay.admit(message('5-1'))).toBe(true);
  });

  it('should drop a message the history had even after a newer live one', () => {
    // Two senders on different redis shards: live order need not be id order.
    const replay = new Replay({ messages: [stored('5-0')] });
    replay.start();
    expect(replay.admit(message('7-0'))).toBe(true);
    expect(replay.admit(message('5-0'))).toBe(false);
    expect(replay.admit(message('6-0'))).toBe(true);
  });

  it('should count the since id as seen when no message is newer', () => {
    const replay = new Replay({ recovered: true, messages: [], after: '9-0' });
    expect(replay.start().frames).toEqual(['{"recovered":true}']);
    expect(replay.admit(message('9-0'))).toBe(false);
    expect(replay.admit(message('10-0'))).toBe(true);
  });

  it('should say when more live messages came than it holds before its history', () => {
    const replay = new Replay({ messages: [] });
    for (let n = 0; n < MAX_HELD_MESSAGES; n++) {
      replay.admit(message(`${n + 1}-0`));
    }
    expect(replay.overflowing).toBe(false);
    replay.admit(message(`${MAX_HELD_MESSAGES + 1}-0`));
    expect(replay.overflowing).toBe(true);
    replay.start();
    expect(replay.overflowing).toBe(false);
  });

  describe('startWithin', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });

    afterEach(() => {
      jest.useRealTimers();
    });

    it('should call onLost when start() has not come within the bound', () => {
      const replay = new Replay({ messages: [stored('5-0')] });
      const lost = jest.fn();
      replay.startWithin(1_000, lost);
      jest.advanceTimersByTime(999);
      expect(lost).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(lost).toHaveBeenCalledTimes(1);
    });

    it('should not call onLost once started, nor once disposed', () => {
      const started = new Replay({ messages: [] });
      const disposed = new Replay({ messages: [] });
      const lost = jest.fn();
      started.startWithin(1_000, lost);
      disposed.startWithin(1_000, lost);
      started.start();
      disposed.dispose();
      jest.advanceTimersByTime(1_000);
      expect(lost).not.toHaveBeenCalled();
    });

    it('should not wait when already started', () => {
      const replay = new Replay({ messages: [] });
      const lost = jest.fn();
      replay.start();
      replay.startWithin(1_000, lost);
      jest.runAllTimers();
      expect(lost).not.toHaveBeenCalled();
    });
  });
});
