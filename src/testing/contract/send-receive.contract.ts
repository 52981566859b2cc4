import {
  InvalidChannelNameError,
  InvalidMessageError,
} from '../../channel-layer';
import type { ChannelLayer } from '../../channel-layer';
import type { ContractContext } from './contract-context';

/** `send` and `receive`: delivery, FIFO order, validation. */
export function describeSendReceive(ctx: ContractContext): void {
  describe('send and receive', () => {
    let layer: ChannelLayer;
    beforeAll(() => {
      layer = ctx.layer();
    });

    it('should deliver a message to a receive that is already waiting', async () => {
      const channel = await layer.newChannel();
      const received = layer.receive(channel);
      await layer.send(channel, {
        type: 'test.message',
        text: 'héllo 채팅',
        n: 42,
      });
      await expect(received).resolves.toEqual({
        type: 'test.message',
        text: 'héllo 채팅',
        n: 42,
      });
    });

    it('should keep messages in FIFO order per channel', async () => {
      const channel = await layer.newChannel();
      const received = Promise.all([1, 2, 3].map(() => layer.receive(channel)));
      for (const n of [1, 2, 3]) {
        await layer.send(channel, { type: 'seq', n });
      }
      await expect(received).resolves.toEqual(
        [1, 2, 3].map((n) => ({ type: 'seq', n })),
      );
    });

    it('should keep the call order of sends made together, none awaited before the next', async () => {
      const channel = await layer.newChannel();
      const numbers = Array.from({ length: 40 }, (_, n) => n);
      const received = Promise.all(numbers.map(() => layer.receive(channel)));
      await Promise.all(
        numbers.map((n) => layer.send(channel, { type: 'seq', n })),
      );
      await expect(received).resolves.toEqual(
        numbers.map((n) => ({ type: 'seq', n })),
      );
    });

    it('should keep each channel of a process apart', async () => {
      const [a, b] = [await layer.newChannel(), await layer.newChannel()];
      const [fromA, fromB] = [layer.receive(a), layer.receive(b)];
      await layer.send(b, { type: 'to', who: 'b' });
      await layer.send(a, { type: 'to', who: 'a' });
      await expect(fromA).resolves.toEqual({ type: 'to', who: 'a' });
      await expect(fromB).resolves.toEqual({ type: 'to', who: 'b' });
    });

    it('should deliver to a named, non-process-local channel', async () => {
      await expect(
        ctx.sendAndReceive(layer, 'worker.tasks', { type: 'task' }),
      ).resolves.toEqual({
        type: 'task',
      });
    });

    if (!ctx.differences.dropsUnreceived) {
      it('should keep a message sent before anyone receives', async () => {
        const channel = await layer.newChannel();
        await layer.send(channel, { type: 'early' });
        await expect(layer.receive(channel)).resolves.toEqual({
          type: 'early',
        });
      });

      it('should drop every message on flush', async () => {
        const channel = await layer.newChannel();
        await layer.send(channel, { type: 'flushed' });
        await layer.flush();
        const received = layer.receive(channel);
        await layer.send(channel, { type: 'after' });
        await expect(received).resolves.toEqual({ type: 'after' });
      });
    }

    it('should refuse invalid channel names with InvalidChannelNameError', async () => {
      await expect(layer.send('bad name', { type: 'x' })).rejects.toThrow(
        InvalidChannelNameError,
      );
      await expect(layer.receive('x'.repeat(100))).rejects.toThrow(
        InvalidChannelNameError,
      );
    });

    it('should refuse a message without a string type with InvalidMessageError', async () => {
      const channel = await layer.newChannel();
      await expect(layer.send(channel, { kind: 'x' } as never)).rejects.toThrow(
        InvalidMessageError,
      );
    });
  });
}
