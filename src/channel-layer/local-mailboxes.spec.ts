import { Logger } from '@nestjs/common';
import type { ChannelMessage } from './interfaces/channel-message.interface';
import { LocalMailboxes } from './local-mailboxes';

describe('LocalMailboxes', () => {
  let clock: number;
  let released: string[];
  let logger: Logger;
  let mailboxes: LocalMailboxes;
  let controller: AbortController;

  beforeEach(() => {
    clock = 1_000;
    released = [];
    logger = new Logger('test');
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    mailboxes = new LocalMailboxes({
      capacityOf: () => 2,
      expiryMs: 60_000,
      now: () => clock,
      keepsUnopened: false,
      onRelease: (channel) => released.push(channel),
      logger,
    });
    mailboxes.open('a');
    controller = new AbortController();
  });

  afterEach(() => {
    controller.abort();
    mailboxes.close();
  });

  /** Listens on `a`, recording each message's `n`; the first holds the channel until `release`. */
  function listenHoldingFirst(): {
    got: unknown[];
    held: Promise<void>;
    release: () => void;
  } {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const got: unknown[] = [];
    mailboxes.listen(
      'a',
      (message) => {
        got.push(message.n);
        return got.length === 1 ? held : undefined;
      },
      { signal: controller.signal },
    );
    return { got, held, release };
  }

  it('should push synchronously to an idle listener', () => {
    const got: ChannelMessage[] = [];
    mailboxes.listen('a', (message) => void got.push(message), {
      signal: controller.signal,
    });
    mailboxes.deliverToEach(['a'], { type: 'now' });
    expect(got).toEqual([{ type: 'now' }]);
  });

  it('should keep pushing after a listener throws, and log it', () => {
    const got: string[] = [];
    mailboxes.listen(
      'a',
      (message) => {
        got.push(message.type);
        if (message.type === 'bad') {
          throw new Error('boom');
        }
      },
      { signal: controller.signal },
    );
    mailboxes.deliverToEach(['a'], { type: 'bad' });
    mailboxes.deliverToEach(['a'], { type: 'good' });
    expect(got).toEqual(['bad', 'good']);
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('should buffer up to capacity behind a busy listener, then drop', async () => {
    const { got, held, release } = listenHoldingFirst();
    const results = [1, 2, 3, 4].map((n) =>
      mailboxes.deliverToEach(['a'], { type: 'n', n }),
    );
    expect(results.map((result) => result.full)).toEqual([0, 0, 0, 1]);
    release();
    await held;
    expect(got).toEqual([1, 2, 3]);
  });

  it('should not push a message that expired while the listener was busy', async () => {
    const { got, held, release } = listenHoldingFirst();
    mailboxes.deliverToEach(['a'], { type: 'n', n: 1 });
    mailboxes.deliverToEach(['a'], { type: 'n', n: 2 });
    clock += 60_000;
    mailboxes.deliverToEach(['a'], { type: 'n', n: 3 });
    release();
    await held;
    expect(got).toEqual([1, 3]);
  });

  it('should release the channel when the listener aborts, and drop what arrives after', () => {
    mailboxes.listen('a', () => undefined, { signal: controller.signal });
    controller.abort();
    expect(released).toEqual(['a']);
    expect(mailboxes.isOpen('a')).toBe(false);
    expect(mailboxes.deliverToEach(['a'], { type: 'late' })).toEqual({
      accepted: 0,
      full: 0,
    });
  });

  it('should hand each member the same frozen object', () => {
    mailboxes.open('b');
    const got: ChannelMessage[] = [];
    const other = new AbortController();
    mailboxes.listen('a', (message) => void got.push(message), {
      signal: controller.signal,
    });
    mailboxes.listen('b', (message) => void got.push(message), {
      signal: other.signal,
    });
    mailboxes.deliverToEach(['a', 'b'], { type: 'x', items: [1] });
    other.abort();
    expect(got[0]).toBe(got[1]);
    expect(Object.isFrozen(got[0].items)).toBe(true);
  });
});
