import type { ChannelLayer } from '../../channel-layer';
import type { ContractContext } from './contract-context';

/** `newChannel`: unique process-local names. */
export function describeNewChannel(ctx: ContractContext): void {
  describe('newChannel', () => {
    let layer: ChannelLayer;
    beforeAll(() => {
      layer = ctx.layer();
    });

    it('should return unique process-local names in the form specific.<process>!<random>', async () => {
      const names = await Promise.all(
        Array.from({ length: 50 }, () => layer.newChannel()),
      );
      expect(new Set(names).size).toBe(50);
      for (const channel of names) {
        expect(channel).toMatch(/^specific\.[\w.-]+![\w.-]+$/);
      }
      expect(new Set(names.map((n) => n.split('!')[0])).size).toBe(1);
    });

    it('should honour a custom prefix', async () => {
      await expect(layer.newChannel('websocket')).resolves.toMatch(
        /^websocket\./,
      );
    });
  });
}
