import type { ContractContext } from './contract-context';

/** `ping` answers; `close` rejects pending receives. */
export function describeLifecycle(ctx: ContractContext): void {
  describe('lifecycle', () => {
    it('should answer ping', async () => {
      await expect(ctx.layer().ping()).resolves.toBeUndefined();
    });

    it('should reject a pending receive when closed', async () => {
      const closing = await ctx.layerWith({});
      const channel = await closing.newChannel();
      const received = closing.receive(channel);
      await closing.close();
      await expect(received).rejects.toThrow();
    });
  });
}
