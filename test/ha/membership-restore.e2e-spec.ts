import { createApp, type TestApp } from '../helpers/create-app';
import { expectStillChatting } from '../helpers/failover-chat';
import { readyzUntil } from '../helpers/readyz';
import { RedisClusterSetup } from '../helpers/redis-cluster';
import { SentinelSetup } from '../helpers/redis-sentinel';
import { askRedis } from '../helpers/redis-server';
import { WsClient } from '../helpers/ws-client';
import { chatFrame } from '../helpers/history-mode';

/** A Redis with failover whose promoted replica can be made to miss its master's writes. */
interface Forgetful {
  env: Record<string, string>;
  /** Empties the replicas that may take over `key`. */
  forget(key: string): Promise<void>;
  /** SIGKILLs `key`'s master; its port. */
  kill(key: string): Promise<number>;
  /** Resolves with the port of `key`'s new master once a replica took over. */
  promoted(key: string, oldPort: number): Promise<number>;
  dispose(): Promise<void>;
}

const setups: Array<[string, () => Promise<Forgetful>]> = [
  [
    'Redis Cluster',
    async () => {
      const cluster = await RedisClusterSetup.start(3, 1);
      return {
        env: { REDIS_MODE: 'cluster', REDIS_URL: cluster.urls.join(',') },
        forget: (key) => cluster.flushReplicasOf(key),
        kill: (key) => cluster.killMasterOf(key),
        promoted: (key, oldPort) => cluster.untilPromoted(key, oldPort),
        dispose: () => cluster.dispose(),
      };
    },
  ],
  [
    'Sentinel',
    async () => {
      const sentinel = await SentinelSetup.start();
      return {
        env: sentinel.env,
        forget: () => sentinel.flushReplicas(),
        kill: () => sentinel.killMaster(),
        promoted: (_key, oldPort) => sentinel.untilPromoted(oldPort),
        dispose: () => sentinel.dispose(),
      };
    },
  ],
];

describe.each(setups)(
  'Group memberships after a failover on %s, CHANNEL_LAYER=redis (e2e)',
  (_name, start) => {
    let redis: Forgetful;
    let apps: [TestApp, TestApp];

    beforeAll(async () => {
      redis = await start();
      const env = { CHANNEL_LAYER: 'redis', ...redis.env };
      apps = [await createApp(env), await createApp(env)];
    }, 30_000);

    afterAll(async () => {
      await Promise.all(apps.map((app) => app.app.close()));
      await redis.dispose();
    });

    it('should restore the memberships the promoted replica never got, with no client reconnecting', async () => {
      const key = 'asgi:group:chat_amnesia';
      const alice = await WsClient.connect(`${apps[0].ws}/ws/chat/amnesia/`);
      const bob = await WsClient.connect(`${apps[1].ws}/ws/chat/amnesia/`);
      alice.send({ message: 'before' });
      await expect(alice.nextMessage()).resolves.toEqual(chatFrame('before'));
      await expect(bob.nextMessage()).resolves.toEqual(chatFrame('before'));

      await redis.forget(key);
      const oldPort = await redis.kill(key);
      const newPort = await redis.promoted(key, oldPort);
      await Promise.all(apps.map((app) => readyzUntil(app, 200)));
      // Both instances have written their members back on the new master.
      await expect(
        askRedis(newPort, (client) => client.zcard(key)),
      ).resolves.toBe(2);

      bob.send({ message: 'after' });
      await expect(bob.nextMessage()).resolves.toEqual(chatFrame('after'));
      await expect(alice.nextMessage()).resolves.toEqual(chatFrame('after'));
      await expectStillChatting(alice, bob);
    }, 60_000);
  },
);
