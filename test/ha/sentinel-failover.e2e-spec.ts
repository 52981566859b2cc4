import { createApp, type TestApp } from '../helpers/create-app';
import { chatThroughFailover } from '../helpers/failover-chat';
import { SentinelSetup } from '../helpers/redis-sentinel';

describe.each(['redis', 'redis-pubsub'])(
  'Two instances behind Sentinel, CHANNEL_LAYER=%s (e2e)',
  (backend) => {
    let sentinel: SentinelSetup;
    let apps: [TestApp, TestApp];

    beforeAll(async () => {
      sentinel = await SentinelSetup.start();
      const env = {
        CHANNEL_LAYER: backend,
        REDIS_MODE: 'sentinel',
        REDIS_URL: sentinel.urls.join(','),
        REDIS_SENTINEL_MASTERS: sentinel.masterName,
        CHAT_RATE_LIMIT: '1000',
        CHAT_RATE_BURST: '1000',
      };
      apps = [await createApp(env), await createApp(env)];
    });

    afterAll(async () => {
      await Promise.all(apps.map((app) => app.app.close()));
      await sentinel.dispose();
    });

    it('should follow the promoted replica when the master is SIGKILLed during a chat, with no client reconnecting', async () => {
      let oldPort = 0;
      const figures = await chatThroughFailover(
        apps,
        'failover',
        {
          kill: async () => {
            // The replica holds the memberships when it takes over: one
            // that missed them is membership-restore's case, where a
            // message sent before every instance wrote them back misses
            // the instances that had not yet.
            await sentinel.untilReplicaCaughtUp();
            oldPort = await sentinel.killMaster();
          },
          promoted: async () => {
            await sentinel.untilPromoted(oldPort);
          },
        },
        backend === 'redis',
      );
      process.stdout.write(
        `sentinel failover, ${backend}: ${JSON.stringify(figures)}\n`,
      );
    }, 60_000);
  },
);
