import { WebSocket } from 'ws';
import { createApp, type TestApp } from '../helpers/create-app';
import { readyzUntil } from '../helpers/readyz';
import { RedisClusterSetup } from '../helpers/redis-cluster';
import { WsClient } from '../helpers/ws-client';

describe('Group memberships after a Redis Cluster failover, CHANNEL_LAYER=redis (e2e)', () => {
  let cluster: RedisClusterSetup;
  let apps: [TestApp, TestApp];

  beforeAll(async () => {
    cluster = await RedisClusterSetup.start(3, 1);
    const env = {
      CHANNEL_LAYER: 'redis',
      REDIS_MODE: 'cluster',
      REDIS_URL: cluster.urls.join(','),
    };
    apps = [await createApp(env), await createApp(env)];
  }, 30_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.app.close()));
    await cluster.dispose();
  });

  it('should restore the memberships the promoted replica never got, with no client reconnecting', async () => {
    const key = 'asgi:group:chat_amnesia';
    const alice = await WsClient.connect(`${apps[0].ws}/ws/chat/amnesia/`);
    const bob = await WsClient.connect(`${apps[1].ws}/ws/chat/amnesia/`);
    alice.send({ message: 'before' });
    await expect(alice.nextMessage()).resolves.toEqual({ message: 'before' });
    await expect(bob.nextMessage()).resolves.toEqual({ message: 'before' });

    await cluster.flushReplicasOf(key);
    const oldPort = await cluster.killMasterOf(key);
    const newPort = await cluster.untilPromoted(key, oldPort);
    await Promise.all(apps.map((app) => readyzUntil(app, 200)));
    // Both instances have written their members back on the new master.
    await expect(
      cluster.ask(newPort, (client) => client.zcard(key)),
    ).resolves.toBe(2);

    bob.send({ message: 'after' });
    await expect(bob.nextMessage()).resolves.toEqual({ message: 'after' });
    await expect(alice.nextMessage()).resolves.toEqual({ message: 'after' });
    expect([alice.pending, bob.pending]).toEqual([0, 0]);
    expect([alice.socket.readyState, bob.socket.readyState]).toEqual([
      WebSocket.OPEN,
      WebSocket.OPEN,
    ]);
    await Promise.all([alice.close(), bob.close()]);
  }, 60_000);
});
