import {
  InvalidChannelNameError,
  InvalidGroupNameError,
} from '../../channel-layer';
import type { ChannelLayer } from '../../channel-layer';
import type { ContractContext } from './contract-context';

/** Groups: membership, group sends, validation. */
export function describeGroups(ctx: ContractContext): void {
  describe('groups', () => {
    let layer: ChannelLayer;
    beforeAll(() => {
      layer = ctx.layer();
    });

    it('should deliver a group send to every member and to no one else', async () => {
      const members = await Promise.all(
        [1, 2, 3].map(() => layer.newChannel()),
      );
      const outsider = await layer.newChannel();
      await Promise.all(
        members.map((channel) => layer.groupAdd('room_a', channel)),
      );
      await layer.groupAdd('room_b', outsider);
      const received = Promise.all(
        members.map((channel) => layer.receive(channel)),
      );
      const controller = new AbortController();
      const outsiderReceived = layer.receive(outsider, {
        signal: controller.signal,
      });
      await layer.groupSend('room_a', {
        type: 'chat.message',
        message: 'hi',
      });
      await expect(received).resolves.toEqual(
        members.map(() => ({ type: 'chat.message', message: 'hi' })),
      );
      await layer.groupSend('room_b', { type: 'marker' });
      await expect(outsiderReceived).resolves.toEqual({ type: 'marker' });
      controller.abort();
    });

    it('should keep the call order of group sends made together, none awaited before the next', async () => {
      const member = await layer.newChannel();
      await layer.groupAdd('burst', member);
      const numbers = Array.from({ length: 40 }, (_, n) => n);
      const received = Promise.all(numbers.map(() => layer.receive(member)));
      await Promise.all(
        numbers.map((n) => layer.groupSend('burst', { type: 'seq', n })),
      );
      await expect(received).resolves.toEqual(
        numbers.map((n) => ({ type: 'seq', n })),
      );
    });

    it('should stop delivering to a discarded channel', async () => {
      const [stays, leaves] = [
        await layer.newChannel(),
        await layer.newChannel(),
      ];
      await layer.groupAdd('room', stays);
      await layer.groupAdd('room', leaves);
      await layer.groupDiscard('room', leaves);
      const stayed = layer.receive(stays);
      await layer.groupSend('room', { type: 'first' });
      await expect(stayed).resolves.toEqual({ type: 'first' });
      await expect(
        ctx.sendAndReceive(layer, leaves, { type: 'direct' }),
      ).resolves.toEqual({
        type: 'direct',
      });
    });

    it('should treat discarding a non-member and sending to an empty group as no-ops', async () => {
      const channel = await layer.newChannel();
      await expect(
        layer.groupDiscard('nobody_here', channel),
      ).resolves.toBeUndefined();
      await expect(
        layer.groupSend('nobody_here', { type: 'x' }),
      ).resolves.toEqual({ accepted: 0, full: 0 });
    });

    it('should deliver once to a channel added twice', async () => {
      const channel = await layer.newChannel();
      await layer.groupAdd('twice', channel);
      await layer.groupAdd('twice', channel);
      const first = layer.receive(channel);
      await layer.groupSend('twice', { type: 'once', n: 1 });
      await expect(first).resolves.toEqual({ type: 'once', n: 1 });
      const next = layer.receive(channel);
      await layer.send(channel, { type: 'once', n: 2 });
      await expect(next).resolves.toEqual({ type: 'once', n: 2 });
    });

    it('should refuse invalid group names with InvalidGroupNameError', async () => {
      const channel = await layer.newChannel();
      await expect(layer.groupAdd('bad group', channel)).rejects.toThrow(
        InvalidGroupNameError,
      );
      await expect(layer.groupSend('채팅', { type: 'x' })).rejects.toThrow(
        InvalidGroupNameError,
      );
      await expect(layer.groupAdd('ok', 'bad channel')).rejects.toThrow(
        InvalidChannelNameError,
      );
    });

    if (!ctx.differences.dropsUnreceived) {
      it('should drop memberships on flush', async () => {
        const channel = await layer.newChannel();
        await layer.groupAdd('flushed_group', channel);
        await layer.flush();
        await layer.groupSend('flushed_group', { type: 'lost' });
        await layer.send(channel, { type: 'direct' });
        await expect(layer.receive(channel)).resolves.toEqual({
          type: 'direct',
        });
      });
    }
  });
}
