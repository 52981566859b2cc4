import { createApp, type TestApp } from '../helpers/create-app';
import { chatThroughFailover } from '../helpers/failover-chat';
import { RedisClusterSetup } from '../helpers/redis-cluster';

describe.each(['redis', 'redis-pubsub'])(
  'Two instances on a Redis Cluster, CHANNEL_LAYER=%s (e2e)',
  (backend) => {
    let cluster: RedisClusterSetup;
    let apps: [TestApp, TestApp];

    beforeAll(async () => {
      cluster = await RedisClusterSetup.start(3, 1);
      const env = {
        CHANNEL_LAYER: backend,
        REDIS_MODE: 'cluster',
        REDIS_URL: cluster.urls.join(','),
        CHAT_RATE_LIMIT: '1000',
        CHAT_RATE_BURST: '1000',
      };
      apps = [await createApp(env), await createApp(env)];
    }, 30_000);

    afterAll(async () => {
      await Promise.all(apps.map((app) => app.app.close()));
      await cluster.dispose();
    });

    it("should go on on the promoted replica when the room's master is SIGKILLed during a chat, with no client reconnecting", async () => {
      const key = `${backend === 'redis' ? 'asgi:group:' : 'asgi__group__'}chat_failover`;
      let oldPort = 0;
      const figures = await chatThroughFailover(
        apps,
        'failover',
        {
          kill: async () => {
            oldPort = await cluster.killMasterOf(key);
          },
          promoted: async () => {
            await cluster.untilPromoted(key, oldPort);
          },
        },
        backend === 'redis',
      );
      process.stdout.write(
        `cluster failover, ${backend}: ${JSON.stringify(figures)}\n`,
      );
    }, 60_000);
  },
);
