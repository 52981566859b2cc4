import { MemoryChannelLayer } from '../../src/channel-layer/backends/memory/memory-channel-layer';
import { describeChannelLayerContract } from './channel-layer.contract';

describeChannelLayerContract('memory', (options) =>
  Promise.resolve(new MemoryChannelLayer(options)),
);
