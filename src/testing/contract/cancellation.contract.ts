import type { ChannelLayer } from '../../channel-layer';
import type { ContractContext } from './contract-context';

/** An aborted `receive` rejects and releases its channel. */
export function describeCancellation(ctx: ContractContext): void {
  describe('receive cancellation', () => {
    let layer: ChannelLayer;
    beforeAll(() => {
      layer = ctx.layer();
    });

    it('should reject an aborted receive with the abort reason', async () => {
      const channel = await layer.newChannel();
      const controller = new AbortController();
      const received = layer.receive(channel, { signal: controller.signal });
      controller.abort();
      await expect(received).rejects.toMatchObject({ name: 'AbortError' });
    });

    it('should reject at once when the signal is already aborted', async () => {
      const channel = await layer.newChannel();
      await expect(
        layer.receive(channel, { signal: AbortSignal.abort() }),
      ).rejects.toMatchObject({
        name: 'AbortError',
      });
    });

    it('should give the next message to a live receiver, not to an aborted one', async () => {
      const channel = await layer.newChannel();
      const controller = new AbortController();
      const aborted = layer.receive(channel, { signal: controller.signal });
      const live = layer.receive(channel);
      controller.abort();
      await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
      await layer.send(channel, { type: 'kept' });
      await expect(live).resolves.toEqual({ type: 'kept' });
    });
  });
}
