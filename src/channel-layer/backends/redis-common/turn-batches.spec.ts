import { TurnBatches, type BatchLimits } from './turn-batches';

const refuse = (cause: string): Error => new Error(cause);

const LIMITS: BatchLimits = {
  maxCalls: 64,
  maxBytes: 1024,
  maxWaiting: 100,
  maxWaitingBytes: 1000,
  maxWaitMs: 5_000,
};

/** A promise that settles when `release` is called (a subscription in flight). */
function held(): { promise: Promise<void>; release: () => void } {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

/** Records each batch issued; answers each input doubled. */
function recorder(limits = LIMITS): {
  batches: number[][];
  batcher: TurnBatches<number, number>;
} {
  const batches: number[][] = [];
  const batcher = new TurnBatches<number, number>(
    (inputs) => {
      batches.push(inputs);
      return Promise.resolve(inputs.map((input) => input * 2));
    },
    limits,
    refuse,
    'calls',
  );
  return { batches, batcher };
}

describe('TurnBatches', () => {
  it("issues a turn's first calls, made before its microtasks ran out, as one batch then, and its later calls as one batch at its end, in call order, each getting its own output", async () => {
    const { batches, batcher } = recorder();
    const first = Promise.all([1, 2, 3].map((n) => batcher.add(n, 1)));
    expect(batches).toEqual([]);
    await new Promise<void>((resolve) => process.nextTick(resolve));
    expect(batches).toEqual([[1, 2, 3]]);
    const later = Promise.all([4, 5].map((n) => batcher.add(n, 1)));
    expect(batches).toEqual([[1, 2, 3]]);
    await expect(Promise.all([first, later])).resolves.toEqual([
      [2, 4, 6],
      [8, 10],
    ]);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('gives a batch the time its oldest call was added, so that a wait to be issued counts in its deadline', async () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000);
    try {
      const issued: number[] = [];
      const batcher = new TurnBatches<number, number>(
        (inputs, _bytes, issuedAt) => {
          issued.push(issuedAt);
          return Promise.resolve(inputs);
        },
        LIMITS,
        refuse,
        'calls',
      );
      const subscription = held();
      const first = batcher.add(1, 1, subscription.promise);
      now.mockReturnValue(3_000);
      const second = batcher.add(2, 1, subscription.promise);
      subscription.release();
      await expect(Promise.all([first, second])).resolves.toEqual([1, 2]);
      await batcher.add(3, 1);
      expect(issued).toEqual([1_000, 3_000]);
    } finally {
      now.mockRestore();
    }
  });

  it('fails a call held behind `after` for `maxWaitMs`, and never issues it, while later calls go', async () => {
    const { batches, batcher } = recorder({ ...LIMITS, maxWaitMs: 20 });
    const subscription = held();
    const stale = batcher.add(1, 1, subscription.promise);
    await expect(stale).rejects.toThrow('waited 20 ms to be issued');
    const fresh = batcher.add(2, 1, subscription.promise);
    subscription.release();
    await expect(fresh).resolves.toBe(4);
    expect(batches).toEqual([[2]]);
  });

  it('frees the place of a call that waited too long, for the next one', async () => {
    const { batches, batcher } = recorder({
      ...LIMITS,
      maxWaitMs: 20,
      maxWaiting: 1,
    });
    const subscription = held();
    const stale = batcher.add(1, 1, subscription.promise);
    await expect(stale).rejects.toThrow('waited 20 ms to be issued');
    const fresh = batcher.add(2, 1, subscription.promise);
    const later = held();
    const after = batcher.add(3, 1, later.promise);
    await expect(after).rejects.toThrow('(1 calls, 1 bytes wait to be issued)');
    subscription.release();
    later.release();
    await expect(fresh).resolves.toBe(4);
    expect(batches).toEqual([[2]]);
  });

  it('issues the calls of a later turn as a later batch', async () => {
    const { batches, batcher } = recorder();
    await batcher.add(1, 1);
    await batcher.add(2, 1);
    expect(batches).toEqual([[1], [2]]);
  });

  it('splits a turn by the call and byte limits, keeping order, a call larger than the byte limit alone', async () => {
    const { batches, batcher } = recorder({
      ...LIMITS,
      maxCalls: 2,
      maxBytes: 10,
    });
    await Promise.all([
      batcher.add(1, 1),
      batcher.add(2, 1),
      batcher.add(3, 1),
      batcher.add(4, 8),
      batcher.add(5, 3),
      batcher.add(7, 50),
      batcher.add(6, 1),
    ]);
    expect(batches).toEqual([[1, 2], [3, 4], [5], [7], [6]]);
  });

  it('holds a call until what it waits for settles, and every later call behind it', async () => {
    const { batches, batcher } = recorder();
    const subscribing = held();
    const first = batcher.add(1, 1);
    const waiting = batcher.add(2, 1, subscribing.promise);
    const later = batcher.add(3, 1);
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1]]);
    subscribing.release();
    await Promise.all([waiting, later]);
    expect(batches).toEqual([[1], [2], [3]]);
  });

  it('issues a held call even when what it waits for fails', async () => {
    const { batches, batcher } = recorder();
    await expect(
      batcher.add(1, 1, Promise.reject(new Error('subscribe failed'))),
    ).resolves.toBe(2);
    expect(batches).toEqual([[1]]);
  });

  it('rejects every call of a batch that fails, with its error, and goes on with the next', async () => {
    let fail = true;
    const batcher = new TurnBatches<number, number>(
      (inputs) =>
        fail
          ? Promise.reject(new Error('Redis is away'))
          : Promise.resolve(inputs),
      LIMITS,
      refuse,
      'calls',
    );
    const failed = [batcher.add(1, 1), batcher.add(2, 1)];
    for (const call of failed) {
      await expect(call).rejects.toThrow('Redis is away');
    }
    fail = false;
    await expect(batcher.add(3, 1)).resolves.toBe(3);
  });

  it('refuses calls past the bound of those waiting, and takes calls again once they are issued', async () => {
    const { batches, batcher } = recorder({ ...LIMITS, maxWaiting: 2 });
    const subscribing = held();
    const waiting = [batcher.add(1, 1, subscribing.promise), batcher.add(2, 1)];
    await expect(batcher.add(3, 1)).rejects.toThrow(
      '(2 calls, 2 bytes wait to be issued)',
    );
    subscribing.release();
    await expect(Promise.all(waiting)).resolves.toEqual([2, 4]);
    await expect(batcher.add(4, 1)).resolves.toBe(8);
    expect(batches).toEqual([[1], [2], [4]]);
  });

  it('refuses a call that would take the waiting calls past the byte bound', async () => {
    const { batcher } = recorder({ ...LIMITS, maxWaitingBytes: 10 });
    const first = batcher.add(1, 500);
    const held = batcher.add(2, 6);
    await expect(batcher.add(3, 5)).rejects.toThrow(
      '(1 calls, 6 bytes wait to be issued)',
    );
    await expect(Promise.all([first, held])).resolves.toEqual([2, 4]);
  });

  it('fails the batch of an issue that throws, and goes on with the next', async () => {
    let calls = 0;
    const batcher = new TurnBatches<number, number>(
      (inputs) => {
        if (calls++ === 0) {
          throw new Error('bad arguments');
        }
        return Promise.resolve(inputs);
      },
      LIMITS,
      refuse,
      'calls',
    );
    await expect(batcher.add(1, 1)).rejects.toThrow('bad arguments');
    await expect(batcher.add(2, 1)).resolves.toBe(2);
  });
});
