import { SlotOrder } from './slot-order';

/** A send the test answers: its reply settles when the test says. */
interface Pending {
  readonly reply: Promise<string>;
  answer(value: string): void;
  fail(error: Error): void;
}

describe('SlotOrder', () => {
  let order: SlotOrder;
  /** What was sent, in order. */
  let sent: string[];
  let pending: Map<string, Pending>;

  const refuse = (): Error => new Error('refused');

  /** Runs a send named `name` on `slot`; it is answered by `pending.get(name)`. */
  const run = (slot: number, name: string): Promise<string> =>
    order.run(
      slot,
      () => {
        sent.push(name);
        let answer: (value: string) => void = () => undefined;
        let fail: (error: Error) => void = () => undefined;
        const reply = new Promise<string>((resolve, reject) => {
          answer = resolve;
          fail = reject;
        });
        pending.set(name, { reply, answer, fail });
        return reply;
      },
      refuse,
    );

  beforeEach(() => {
    order = new SlotOrder();
    sent = [];
    pending = new Map();
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

  it('should not hold a slot with nothing in flight', () => {
    order.moved(1);
    void run(1, 'a');
    expect(sent).toEqual(['a']);
  });

  it('should refuse a command at once when too many wait', async () => {
    const first = run(1, 'first');
    order.moved(1);
    const held = Array.from({ length: 10_000 }, (_, n) => run(1, `held${n}`));
    await expect(run(1, 'one too many')).rejects.toThrow('refused');
    expect(sent).toEqual(['first']);
    pending.get('first')?.answer('done');
    await first;
    expect(sent).toHaveLength(10_001);
    sent.slice(1).forEach((name) => pending.get(name)?.answer(name));
    await expect(Promise.all(held)).resolves.toHaveLength(10_000);
  });
});
