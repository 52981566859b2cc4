import { createChannelLayer } from '../../src/channel-layer';
import { describeChannelLayerContract } from '../../src/testing';

describeChannelLayerContract('memory', async (options) =>
  createChannelLayer({ ...options, backend: 'memory' }),
);
