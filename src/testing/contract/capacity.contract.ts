import { ChannelFullError } from '../../channel-layer';
import type { ContractContext } from './contract-context';

/** Capacity: `ChannelFullError`, glob-pattern overrides, full members skipped by group sends. */
export function describeCapacity(ctx: ContractContext): void {
  describe('capacity', () => {
    it('should throw ChannelFullError once a channel holds its capacity', async () => {
      const small = await ctx.layerWith({ capacity: 2 });
      const channel = await small.newChannel();
      await small.send(channel, { type: 'n', n: 1 });
      await small.send(channel, { type: 'n', n: 2 });
      await expect(small.send(channel, { type: 'n', n: 3 })).rejects.toThrow(
        ChannelFullError,
      );
      await expect(small.receive(channel)).resolves.toEqual({
        type: 'n',
        n: 1,
      });
      await expect(
        small.send(channel, { type: 'n', n: 4 }),
      ).resolves.toBeUndefined();
    });

    it('should apply the first matching glob-pattern override', async () => {
      const small = await ctx.layerWith({
        capacity: 5,
        channelCapacity: { 'tiny.*': 1, '*': 2 },
      });
      const tiny = await small.newChannel('tiny');
      await small.send(tiny, { type: 'x' });
      await expect(small.send(tiny, { type: 'x' })).rejects.toThrow(
        ChannelFullError,
      );
      const roomy = await small.newChannel('roomy');
      await small.send(roomy, { type: 'x' });
      await small.send(roomy, { type: 'x' });
      await expect(small.send(roomy, { type: 'x' })).rejects.toThrow(
        ChannelFullError,
      );
    });

    it('should skip a full member on group send, without an error, and reach the others', async () => {
      const small = await ctx.layerWith({ capacity: 1 });
      const [full, free] = [await small.newChannel(), await small.newChannel()];
      await small.groupAdd('mixed', full);
      await small.groupAdd('mixed', free);
      await small.send(full, { type: 'filler' });
      const sent = await small.groupSend('mixed', { type: 'group' });
      expect(sent.accepted).toBeGreaterThanOrEqual(1);
      await expect(small.receive(free)).resolves.toEqual({ type: 'group' });
      await expect(small.receive(full)).resolves.toEqual({
        type: 'filler',
      });
    });
  });
}
