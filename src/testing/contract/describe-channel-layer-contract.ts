import type { ChannelLayer } from '../../channel-layer';
import { describeCancellation } from './cancellation.contract';
import { describeCapacity } from './capacity.contract';
import { describeDelivery } from './delivery.contract';
import type {
  ContractContext,
  ContractDifferences,
  CreateChannelLayer,
} from './contract-context';
import { describeGroups } from './groups.contract';
import { describeLifecycle } from './lifecycle.contract';
import { describeNewChannel } from './new-channel.contract';
import { describeSendReceive } from './send-receive.contract';

/**
 * The behaviour of the `ChannelLayer` contract, written once and run under
 * jest against any backend (socket.io's `testSuite(createAdapter)`, Phoenix's
 * shared adapter suite): call it at the top level of a spec file.
 *
 * @param name names the backend in the suite's title.
 * @param createLayer builds a fresh layer; the suite closes what it builds.
 * @param differences the parts of the contract the backend does not keep.
 */
export function describeChannelLayerContract(
  name: string,
  createLayer: CreateChannelLayer,
  differences: ContractDifferences = {},
): void {
  describe(`ChannelLayer contract: ${name}`, () => {
    let layer: ChannelLayer | undefined;
    const extraLayers: ChannelLayer[] = [];
    const ctx: ContractContext = {
      differences,
      layer: () => {
        if (!layer) {
          throw new Error('the contract layer is created in beforeAll');
        }
        return layer;
      },
      layerWith: async (options) => {
        const extra = await createLayer(options);
        extraLayers.push(extra);
        return extra;
      },
      sendAndReceive: async (on, channel, message) => {
        const received = on.receive(channel);
        await on.send(channel, message);
        return received;
      },
    };

    beforeAll(async () => {
      layer = await createLayer();
    });

    afterEach(async () => {
      await ctx.layer().flush();
      await Promise.all(extraLayers.splice(0).map((extra) => extra.close()));
    });

    afterAll(async () => {
      await ctx.layer().close();
    });

    describeNewChannel(ctx);
    describeSendReceive(ctx);
    describeCancellation(ctx);
    describeDelivery(ctx);
    describeGroups(ctx);
    if (!differences.noCapacity) {
      describeCapacity(ctx);
    }
    describeLifecycle(ctx);
  });
}
