import { ChannelLayer } from '../../src/channel-layer';
import { nonLocalName, shardIndex } from '../helpers/channels-redis-shard';
import { createApp, type TestApp } from '../helpers/create-app';
import { LatencyProxy } from '../helpers/latency-proxy';
import { readyzUntil } from '../helpers/readyz';
import { RedisServer } from '../helpers/redis-server';
import { roomOnShard } from '../helpers/room-on-shard';
import { WsClient } from '../helpers/ws-client';
import { chatFrame } from '../helpers/history-mode';

type Backend = 'redis' | 'redis-pubsub';

/**
 * The shard a room must live on to keep working while the other is down:
 * with `redis` this process reads its messages on the shard of its process
 * key; with `redis-pubsub` a room needs only its group's shard.
 */
async function homeShard(backend: Backend, app: TestApp): Promise<number> {
  if (backend === 'redis-pubsub') {
    return 0;
  }
  const probe = await app.app.get(ChannelLayer).newChannel();
  return shardIndex(nonLocalName(probe), 2);
}

describe.each<Backend>(['redis', 'redis-pubsub'])(
  'Redis outages, CHANNEL_LAYER=%s (e2e)',
  (backend) => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };

    beforeAll(() => process.on('unhandledRejection', onUnhandled));
    afterAll(() => {
      process.off('unhandledRejection', onUnhandled);
      expect(unhandled).toEqual([]);
    });

    it('should start without Redis, answer 503 and refuse chats, then work once Redis comes', async () => {
      const redis = await RedisServer.reserve();
      const testApp = await createApp({
        CHANNEL_LAYER: backend,
        REDIS_URL: redis.url,
      });
      try {
        await expect(readyzUntil(testApp, 503)).resolves.toMatchObject({
          status: 'error',
          error: { channel_layer: { status: 'down' } },
        });
        await expect(
          WsClient.connect(`${testApp.ws}/ws/chat/late/`),
        ).rejects.toThrow('refused with 503');

        await redis.restart();
        await readyzUntil(testApp, 200);
        const client = await WsClient.connect(`${testApp.ws}/ws/chat/late/`);
        client.send({ message: 'redis came' });
        await expect(client.nextMessage()).resolves.toEqual(
          chatFrame('redis came'),
        );
        await client.close();
      } finally {
        await testApp.app.close();
        await redis.dispose();
      }
    });

    /**
     * Alice and Bob in `room`, on an app that reaches its own Redis through
     * a `LatencyProxy`; everything is stopped afterwards.
     */
    async function throughProxy(
      room: string,
      body: (link: {
        proxy: LatencyProxy;
        testApp: TestApp;
        alice: WsClient;
        bob: WsClient;
      }) => Promise<void>,
    ): Promise<void> {
      const redis = await RedisServer.start();
      const proxy = await LatencyProxy.start(redis.port);
      const testApp = await createApp({
        CHANNEL_LAYER: backend,
        REDIS_URL: proxy.url,
      });
      try {
        const [alice, bob] = [
          await WsClient.connect(`${testApp.ws}/ws/chat/${room}/`),
          await WsClient.connect(`${testApp.ws}/ws/chat/${room}/`),
        ];
        await body({ proxy, testApp, alice, bob });
        await Promise.all([alice.close(), bob.close()]);
      } finally {
        await testApp.app.close();
        await proxy.stop();
        await redis.dispose();
      }
    }

    it('should keep chatting through a slow link, answer 503 while Redis is slower than the probe allows, and recover', async () => {
      await throughProxy(
        'slow-link',
        async ({ proxy, testApp, alice, bob }) => {
          proxy.delayMs = 150;
          alice.send({ message: 'through a slow link' });
          await expect(bob.nextMessage()).resolves.toEqual(
            chatFrame('through a slow link'),
          );
          await expect(alice.nextMessage()).resolves.toEqual(
            chatFrame('through a slow link'),
          );

          proxy.delayMs = 1_500;
          await expect(readyzUntil(testApp, 503)).resolves.toMatchObject({
            error: {
              channel_layer: {
                message: expect.stringContaining('timeout') as string,
              },
            },
          });
          proxy.delayMs = 0;
          await readyzUntil(testApp, 200);
          bob.send({ message: 'fast again' });
          await expect(alice.nextMessage()).resolves.toEqual(
            chatFrame('fast again'),
          );
        },
      );
    });

    it('should answer layer_unavailable, not hang, while Redis stops answering, and chat again once it does', async () => {
      await throughProxy(
        'partition',
        async ({ proxy, testApp, alice, bob }) => {
          proxy.stall();
          alice.send({ message: 'into the partition' });
          await expect(alice.nextMessage()).resolves.toMatchObject({
            error: 'layer_unavailable',
          });

          proxy.resume();
          await readyzUntil(testApp, 200);
          bob.send({ message: 'healed' });
          // What its sender was told failed never arrives later.
          await expect(alice.nextMessage()).resolves.toEqual(
            chatFrame('healed'),
          );
        },
      );
    });

    it('should keep rooms on the surviving shard working when one shard of two is down', async () => {
      const shards = [await RedisServer.start(), await RedisServer.start()];
      const testApp = await createApp({
        CHANNEL_LAYER: backend,
        REDIS_URL: shards.map((shard) => shard.url).join(','),
      });
      try {
        const home = await homeShard(backend, testApp);
        const other = 1 - home;
        const livingRoom = roomOnShard(backend, home, 2, 'alive');
        const deadRoom = roomOnShard(backend, other, 2, 'gone');
        const [alive, gone] = [
          await WsClient.connect(`${testApp.ws}/ws/chat/${livingRoom}/`),
          await WsClient.connect(`${testApp.ws}/ws/chat/${deadRoom}/`),
        ];

        await shards[other].stop();
        gone.send({ message: 'lost shard' });
        await expect(gone.nextMessage()).resolves.toMatchObject({
          error: 'layer_unavailable',
        });
        alive.send({ message: 'still working' });
        await expect(alive.nextMessage()).resolves.toEqual(
          chatFrame('still working'),
        );
        await expect(readyzUntil(testApp, 503)).resolves.toMatchObject({
          status: 'error',
          error: { channel_layer: { status: 'down' } },
        });

        await shards[other].restart();
        await readyzUntil(testApp, 200);
        gone.send({ message: 'shard back' });
        await expect(gone.nextMessage()).resolves.toEqual(
          chatFrame('shard back'),
        );
        await Promise.all([alive.close(), gone.close()]);
      } finally {
        await testApp.app.close();
        await Promise.all(shards.map((shard) => shard.dispose()));
      }
    });
  },
);
