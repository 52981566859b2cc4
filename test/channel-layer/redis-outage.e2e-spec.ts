import {
  type ChannelLayer,
  ChannelLayerUnavailableError,
  createChannelLayer,
} from '../../src/channel-layer';
import { RedisServer } from '../helpers/redis-server';

/** Resolves once `layer` answers ping again, letting the event loop turn between tries. */
async function backUp(layer: ChannelLayer): Promise<void> {
  while (
    !(await layer.ping().then(
      () => true,
      () => false,
    ))
  ) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('RedisPubSubChannelLayer through a Redis restart', () => {
  let redis: RedisServer;
  let layer: ChannelLayer;
  let other: ChannelLayer;

  beforeEach(async () => {
    redis = await RedisServer.start();
    layer = createChannelLayer({ backend: 'redis-pubsub', hosts: [redis.url] });
    other = createChannelLayer({ backend: 'redis-pubsub', hosts: [redis.url] });
  });

  afterEach(async () => {
    await Promise.all([layer.close(), other.close()]);
    await redis.dispose();
  });

  it('should refuse changes while Redis is away and keep the memberships it had', async () => {
    const channel = await layer.newChannel();
    await layer.groupAdd('kept', channel);
    await redis.stop();
    await expect(layer.groupAdd('refused', channel)).rejects.toThrow(
      ChannelLayerUnavailableError,
    );
    await expect(layer.newChannel()).rejects.toThrow(
      ChannelLayerUnavailableError,
    );

    await redis.restart();
    await backUp(layer);
    await backUp(other);
    await other.groupSend('kept', { type: 'group', n: 1 });
    await expect(layer.receive(channel)).resolves.toEqual({
      type: 'group',
      n: 1,
    });
    // The refused groupAdd left no membership: the direct message comes next.
    await other.groupSend('refused', { type: 'group', n: 2 });
    await other.send(channel, { type: 'direct' });
    await expect(layer.receive(channel)).resolves.toEqual({ type: 'direct' });
  });
});

describe.each(['redis', 'redis-pubsub'] as const)(
  'a %s layer receiving on a named channel through a Redis restart',
  (backend) => {
    let redis: RedisServer;
    let layer: ChannelLayer;

    beforeEach(async () => {
      redis = await RedisServer.start();
      const hosts = [redis.url];
      layer = createChannelLayer(
        backend === 'redis' ? { backend, hosts } : { backend, hosts },
      );
    });

    afterEach(async () => {
      await layer.close();
      await redis.dispose();
    });

    it('should fail a receive on a named channel with ChannelLayerUnavailableError while Redis is away, and receive once it is back', async () => {
      await layer.ping();
      await redis.stop();
      await expect(layer.receive('worker.tasks')).rejects.toThrow(
        ChannelLayerUnavailableError,
      );

      await redis.restart();
      await backUp(layer);
      const received = layer.receive('worker.tasks');
      await layer.send('worker.tasks', { type: 'task' });
      await expect(received).resolves.toEqual({ type: 'task' });
    });
  },
);
