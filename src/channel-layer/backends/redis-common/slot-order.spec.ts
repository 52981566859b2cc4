import { SlotOrder } from './slot-order';

/** A send the test answers: its reply settles when the test says. */
interface Pending {
  answer(value: string): void;
  fail(error: Error): void;
}

describe('SlotOrder', () => {
  let order: SlotOrder;
  /** What was sent, in order. */
  let sent: string[];
  let pending: Map<string, Pending>;
  /** The master the slot table names for every slot. */
  let master: string;

  /** Runs a send named `name` on `slot`; it is answered by `pending.get(name)`. */
  const run = (
    slot: number,
    name: string,
    { deadline = Date.now() + 5_000, bytes = 1 } = {},
  ): Promise<string> =>
    order.run(
      {
        slot,
        master: () => master,
        deadline,
        bytes,
        send: () => {
          sent.push(name);
          return new Promise<string>((answer, fail) =>
            pending.set(name, { answer, fail }),
          );
        },
      },
      (cause) => new Error(cause),
    );

  beforeEach(() => {
    order = new SlotOrder();
    sent = [];
    pending = new Map();
    master = 'old:1';
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('should send at once while no command of the slot was redirected', () => {
    void run(1, 'a');
    void run(1, 'b');
    expect(sent).toEqual(['a', 'b']);
  });

  it('should hold a moved slot’s next commands until those in flight are done, then send them in call order', async () => {
    const a = run(1, 'a');
    const b = run(1, 'b');
    order.moved(1);
    const c = run(1, 'c');
    const other = run(2, 'other');
    const d = run(1, 'd');
    expect(sent).toEqual(['a', 'b', 'other']);

    pending.get('b')?.answer('B');
    await expect(b).resolves.toBe('B');
    expect(sent).toEqual(['a', 'b', 'other']);

    pending.get('a')?.fail(new Error('a failed'));
    await expect(a).rejects.toThrow('a failed');
    expect(sent).toEqual(['a', 'b', 'other', 'c', 'd']);
    pending.get('c')?.answer('C');
    pending.get('d')?.answer('D');
    pending.get('other')?.answer('O');
    await expect(Promise.all([c, d, other])).resolves.toEqual(['C', 'D', 'O']);
  });

  // A reread of the slot table may learn of the move before the refusal
  // of a command in flight comes back.
  it('should hold a slot’s next commands while those in flight went to another master than the slot table names now', async () => {
    const a = run(1, 'a');
    master = 'new:2';
    const b = run(1, 'b');
    expect(sent).toEqual(['a']);
    pending.get('a')?.answer('A');
    await a;
    expect(sent).toEqual(['a', 'b']);
    void run(1, 'c');
    expect(sent).toEqual(['a', 'b', 'c']);
    pending.get('b')?.answer('B');
    await expect(b).resolves.toBe('B');
  });

  it('should not hold a slot with nothing in flight', () => {
    order.moved(1);
    void run(1, 'a');
    expect(sent).toEqual(['a']);
  });

  it('should fail a held command at its deadline, and never send it', async () => {
    jest.useFakeTimers({ now: 0 });
    const first = run(1, 'first');
    order.moved(1);
    const held = run(1, 'held', { deadline: 5_000 });
    jest.advanceTimersByTime(5_000);
    await expect(held).rejects.toThrow('did not answer in time');
    pending.get('first')?.answer('done');
    await first;
    expect(sent).toEqual(['first']);
  });

  it('should refuse a command at once when 10,000 wait, or 8 MiB', async () => {
    const first = run(1, 'first');
    order.moved(1);
    const held = Array.from({ length: 10_000 }, (_, n) => run(1, `held${n}`));
    await expect(run(1, 'one too many')).rejects.toThrow('not keeping up');
    pending.get('first')?.answer('done');
    await first;
    expect(sent).toHaveLength(10_001);
    sent.slice(1).forEach((name) => pending.get(name)?.answer(name));
    await expect(Promise.all(held)).resolves.toHaveLength(10_000);

    const again = run(1, 'again');
    order.moved(1);
    const big = run(1, 'big', { bytes: 8 * 1024 * 1024 });
    await expect(run(1, 'one byte more')).rejects.toThrow('not keeping up');
    pending.get('again')?.answer('done');
    await again;
    pending.get('big')?.answer('big');
    await expect(big).resolves.toBe('big');
  });
});
