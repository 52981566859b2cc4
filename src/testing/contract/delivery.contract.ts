import type { ChannelLayer, ChannelMessage } from '../../channel-layer';
import type { ContractContext } from './contract-context';

/** Listeners that record what they are pushed, awaited for a count. */
class Recorder {
  readonly messages: ChannelMessage[] = [];
  private readonly waits: Array<[number, () => void]> = [];
  private releaseHeld!: () => void;
  private readonly held = new Promise<void>(
    (resolve) => (this.releaseHeld = resolve),
  );

  /** Records each message. */
  readonly listener = (message: ChannelMessage): void => this.record(message);

  /** Records each message, and holds its channel until `release()`: a slow handler. */
  readonly slowListener = (message: ChannelMessage): Promise<void> => {
    this.record(message);
    return this.held;
  };

  /** Lets the slow listener's channel go on. */
  release(): void {
    this.releaseHeld();
  }

  /** Records `message` and wakes whoever waits for this count. */
  record(message: ChannelMessage): void {
    this.messages.push(message);
    for (const [count, resolve] of this.waits) {
      if (this.messages.length >= count) {
        resolve();
      }
    }
  }

  /** Resolves once `count` messages were pushed. */
  until(count: number): Promise<ChannelMessage[]> {
    return new Promise<void>((resolve) => {
      if (this.messages.length >= count) {
        resolve();
      } else {
        this.waits.push([count, resolve]);
      }
    }).then(() => this.messages);
  }
}

/**
 * What the consumer runtime relies on: pushed messages one at a time and in
 * order per consumer, a slow consumer holding only itself, one frozen object
 * per group send in a process, and release when a consumer's signal aborts or,
 * for a listener without one, when its channel is released.
 */
export function describeDelivery(ctx: ContractContext): void {
  describe('delivery to consumers', () => {
    let layer: ChannelLayer;
    const controllers: AbortController[] = [];
    const signal = (): AbortSignal => {
      const controller = new AbortController();
      controllers.push(controller);
      return controller.signal;
    };
    beforeAll(() => {
      layer = ctx.layer();
    });
    afterEach(() => {
      for (const controller of controllers.splice(0)) {
        controller.abort();
      }
    });

    const members = async (group: string, count: number): Promise<string[]> => {
      const channels = await Promise.all(
        Array.from({ length: count }, () => layer.newChannel()),
      );
      for (const channel of channels) {
        await layer.groupAdd(group, channel);
      }
      return channels;
    };

    it('should push a consumer its messages in order, one at a time', async () => {
      const [channel] = await members('pushed', 1);
      const recorder = new Recorder();
      let running = 0;
      let mostAtOnce = 0;
      await layer.listen(
        channel,
        async (message) => {
          running++;
          mostAtOnce = Math.max(mostAtOnce, running);
          await Promise.resolve();
          recorder.record(message);
          running--;
        },
        { signal: signal() },
      );
      for (const n of [1, 2, 3, 4, 5]) {
        await layer.groupSend('pushed', { type: 'seq', n });
      }
      await expect(recorder.until(5)).resolves.toEqual(
        [1, 2, 3, 4, 5].map((n) => ({ type: 'seq', n })),
      );
      expect(mostAtOnce).toBe(1);
    });

    it('should tell one listener of many channels which channel and context each message came with', async () => {
      const [first, second] = await members('one_listener', 2);
      const contexts = { [first]: { of: 'first' }, [second]: { of: 'second' } };
      const heard: Array<[string, { of: string }, ChannelMessage]> = [];
      const recorder = new Recorder();
      const listener = (
        message: ChannelMessage,
        channel: string,
        context: { of: string },
      ): void => {
        heard.push([channel, context, message]);
        recorder.record(message);
      };
      await layer.listen(first, listener, {
        signal: signal(),
        context: contexts[first],
      });
      await layer.listen(second, listener, {
        signal: signal(),
        context: contexts[second],
      });
      await layer.send(first, { type: 'to', n: 1 });
      await layer.groupSend('one_listener', { type: 'all', n: 2 });
      await recorder.until(3);
      expect(heard).toEqual(
        expect.arrayContaining([
          [first, contexts[first], { type: 'to', n: 1 }],
          [first, contexts[first], { type: 'all', n: 2 }],
          [second, contexts[second], { type: 'all', n: 2 }],
        ]),
      );
      // The very object given, not a copy.
      for (const [channel, context] of heard) {
        expect(context).toBe(contexts[channel]);
      }
    });

    it('should hand a listener on a named channel its context too', async () => {
      const context = { of: 'named' };
      const recorder = new Recorder();
      let given: unknown;
      await layer.listen(
        'named_listened',
        (message, _channel, heard) => {
          given = heard;
          recorder.record(message);
        },
        { signal: signal(), context },
      );
      await layer.send('named_listened', { type: 'to', n: 1 });
      await expect(recorder.until(1)).resolves.toEqual([{ type: 'to', n: 1 }]);
      expect(given).toBe(context);
    });

    it('should let a slow async handler hold only its own consumer', async () => {
      const [slow, quick] = await members('mixed_speed', 2);
      const slowRecorder = new Recorder();
      const quickRecorder = new Recorder();
      await layer.listen(slow, slowRecorder.slowListener, { signal: signal() });
      await layer.listen(quick, quickRecorder.listener, { signal: signal() });
      for (const n of [1, 2, 3]) {
        await layer.groupSend('mixed_speed', { type: 'seq', n });
      }
      await expect(quickRecorder.until(3)).resolves.toHaveLength(3);
      expect(slowRecorder.messages).toEqual([{ type: 'seq', n: 1 }]);
      slowRecorder.release();
      await expect(slowRecorder.until(3)).resolves.toEqual(
        [1, 2, 3].map((n) => ({ type: 'seq', n })),
      );
    });

    it('should hand every member of a process one frozen object per group send', async () => {
      const channels = await members('shared_object', 3);
      const sent = { type: 'shared', items: [{ n: 1 }] };
      const received = Promise.all(
        channels.map((channel) => layer.receive(channel)),
      );
      await layer.groupSend('shared_object', sent);
      const [first, ...others] = await received;
      for (const other of others) {
        expect(other).toBe(first);
      }
      expect(first).toEqual(sent);
      expect(Object.isFrozen(first)).toBe(true);
      expect(Object.isFrozen(first.items)).toBe(true);
      expect(Object.isFrozen(sent)).toBe(false);
    });

    it('should release a channel when its consumer aborts: what it held is dropped', async () => {
      const [consumer, witness] = await members('released', 2);
      const recorder = new Recorder();
      const controller = new AbortController();
      await layer.listen(consumer, recorder.slowListener, {
        signal: controller.signal,
      });
      await layer.groupSend('released', { type: 'first' });
      await expect(layer.receive(witness)).resolves.toEqual({ type: 'first' });
      await layer.groupSend('released', { type: 'held' });
      // The witness got it from the same delivery: the consumer holds it now.
      await expect(layer.receive(witness)).resolves.toEqual({ type: 'held' });
      controller.abort();
      recorder.release();
      await expect(
        ctx.sendAndReceive(layer, consumer, { type: 'after' }),
      ).resolves.toEqual({ type: 'after' });
      expect(recorder.messages).toEqual([{ type: 'first' }]);
    });

    it('should stop a listener without a signal once its channel is released: what it held is dropped', async () => {
      const [consumer, witness] = await members('released_unsignalled', 2);
      const recorder = new Recorder();
      await layer.listen(consumer, recorder.slowListener);
      await layer.groupSend('released_unsignalled', { type: 'first' });
      await expect(layer.receive(witness)).resolves.toEqual({ type: 'first' });
      await layer.groupSend('released_unsignalled', { type: 'held' });
      await expect(layer.receive(witness)).resolves.toEqual({ type: 'held' });
      // How a consumer's channel is released (`releaseConsumerChannel`).
      await expect(
        layer.receive(consumer, { signal: AbortSignal.abort() }),
      ).rejects.toMatchObject({ name: 'AbortError' });
      recorder.release();
      await expect(
        ctx.sendAndReceive(layer, consumer, { type: 'after' }),
      ).resolves.toEqual({ type: 'after' });
      expect(recorder.messages).toEqual([{ type: 'first' }]);
    });
  });
}
