import { SendWindow } from './send-window';

/** A send that settles when told to. */
function pendingSend(): {
  outcome: Promise<string | undefined>;
  settle: (reply?: string) => void;
} {
  let settle!: (reply?: string) => void;
  const outcome = new Promise<string | undefined>(
    (resolve) => (settle = resolve),
  );
  return { outcome, settle };
}

const turn = (): Promise<void> =>
  new Promise((resolve) => setImmediate(resolve));

describe('SendWindow', () => {
  it('takes frames at once while fewer than its size are in flight, and holds the next one until a send settles', async () => {
    const window = new SendWindow<string>(2, () => undefined);
    const first = pendingSend();
    expect(window.add(first.outcome)).toBeUndefined();
    const full = window.add(pendingSend().outcome);
    expect(full).toBeInstanceOf(Promise);
    let freed = false;
    void full?.then(() => (freed = true));
    await turn();
    expect(freed).toBe(false);
    first.settle();
    await full;
    expect(window.busy).toBe(true);
  });

  it('sends replies in frame order, whatever order the sends settle in', async () => {
    const replies: string[] = [];
    const window = new SendWindow<string>(8, (reply) => replies.push(reply));
    const sends = [pendingSend(), pendingSend(), pendingSend()];
    for (const send of sends) {
      void window.add(send.outcome);
    }
    void window.add(Promise.resolve('refused at once'));
    sends[2].settle('third failed');
    sends[1].settle();
    await turn();
    expect(replies).toEqual([]);
    sends[0].settle('first failed');
    await turn();
    expect(replies).toEqual([
      'first failed',
      'third failed',
      'refused at once',
    ]);
    expect(window.busy).toBe(false);
  });
});
