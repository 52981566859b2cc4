import { createChannelLayer } from '../../src/channel-layer';
import { SentinelSetup } from '../helpers/redis-sentinel';
import { describeChannelLayerContract } from './channel-layer.contract';

describe('Redis layers behind Sentinel', () => {
  let sentinel: SentinelSetup;

  beforeAll(async () => {
    sentinel = await SentinelSetup.start();
  });

  afterAll(async () => {
    await sentinel.dispose();
  });

  const connection = (): {
    mode: 'sentinel';
    hosts: string[];
    masterNames: string[];
  } => ({
    mode: 'sentinel',
    hosts: sentinel.urls,
    masterNames: [sentinel.masterName],
  });

  describeChannelLayerContract('redis, sentinel', async (options) =>
    createChannelLayer({
      backend: 'redis',
      ...options,
      ...connection(),
    }),
  );

  describeChannelLayerContract(
    'redis-pubsub, sentinel',
    async (options) =>
      createChannelLayer({
        backend: 'redis-pubsub',
        ...options,
        ...connection(),
      }),
    { noCapacity: true, dropsUnreceived: true },
  );
});
