import { ChannelLayer } from '../../src/channel-layer';
import { shardIndex } from '../helpers/channels-redis-shard';
import { createApp, type TestApp } from '../helpers/create-app';
import { PythonPeer } from '../helpers/python-peer';
import { roomOnShard } from '../helpers/room-on-shard';
import { useRedisServers } from '../helpers/use-redis-servers';
import { WsClient } from '../helpers/ws-client';

/**
 * The real channels_redis 4.0 `RedisPubSubChannelLayer` and this app with
 * CHANNEL_LAYER=redis-pubsub on the same Redis servers. Pub/sub keeps
 * nothing, so every receiver is subscribed before the send: the Python
 * layer subscribes in `new_channel` and `group_add`, this app in
 * `newChannel` and before the WebSocket handshake completes.
 */
describe('Interop with channels_redis 4.0 RedisPubSubChannelLayer (e2e)', () => {
  const servers = useRedisServers(2);

  describe.each(
    [
      { name: 'plain', shards: 1 },
      { name: 'two shards', shards: 2 },
    ].flatMap((setup) => [
      { ...setup, history: false },
      { ...setup, name: `${setup.name}, history on`, history: true },
    ]),
  )('$name', ({ shards, history }) => {
    /** What a message typed here carries besides its text: its id when history is on. */
    const withId = history ? { id: expect.any(String) } : {};
    let testApp: TestApp;
    let layer: ChannelLayer;
    let django: PythonPeer;
    // With two shards, one room per shard: both sides must pick the same one.
    const shardList = Array.from({ length: shards }, (_, shard) => shard);

    beforeAll(async () => {
      const hosts = servers.slice(0, shards).map((server) => server.url);
      testApp = await createApp({
        CHANNEL_LAYER: 'redis-pubsub',
        REDIS_URL: hosts.join(','),
        CHAT_HISTORY_SIZE: history ? '100' : '0',
      });
      layer = testApp.app.get(ChannelLayer);
      django = await PythonPeer.start({ layer: 'pubsub', hosts });
    });

    afterAll(async () => {
      await django.stop();
      await testApp.app.close();
    });

    it('should pick the shard channels_redis picks for groups and channels', async () => {
      const names = [
        ...Array.from({ length: 8 }, (_, n) => `asgi__group__chat_room${n}`),
        await layer.newChannel(),
        await django.newChannel(),
      ];
      for (const name of names) {
        await expect(django.shardOf(name)).resolves.toBe(
          shardIndex(name, shards),
        );
      }
    });

    it.each(shardList)(
      'should deliver a Django group_send to chat_<room> to the WebSocket clients (group on shard %i)',
      async (shard) => {
        const room = roomOnShard('redis-pubsub', shard, shards, 'from-django');
        const [alice, bob] = await Promise.all([
          WsClient.connect(`${testApp.ws}/ws/chat/${room}/`),
          WsClient.connect(`${testApp.ws}/ws/chat/${room}/`),
        ]);
        // The Channels 4.0 tutorial's spelling of the type.
        await django.groupSend(`chat_${room}`, {
          type: 'chat_message',
          message: 'hello from Django',
        });
        await expect(alice.nextMessage()).resolves.toEqual({
          message: 'hello from Django',
        });
        await expect(bob.nextMessage()).resolves.toEqual({
          message: 'hello from Django',
        });
        await Promise.all([alice.close(), bob.close()]);
      },
    );

    it.each(shardList)(
      'should deliver a WebSocket message to a Django channel in the group (group on shard %i)',
      async (shard) => {
        const room = roomOnShard('redis-pubsub', shard, shards, 'to-django');
        const channel = await django.newChannel();
        await django.groupAdd(`chat_${room}`, channel);
        const received = django.receive(channel);
        const client = await WsClient.connect(`${testApp.ws}/ws/chat/${room}/`);
        client.send({ message: 'hello from Nest' });
        await expect(received).resolves.toEqual({
          type: 'chat.message',
          message: 'hello from Nest',
          ...withId,
        });
        await expect(client.nextMessage()).resolves.toEqual({
          message: 'hello from Nest',
          ...withId,
        });
        await client.close();
      },
    );

    it("should deliver a Django send to this app's channel", async () => {
      const channel = await layer.newChannel();
      await django.send(channel, { type: 'direct', text: 'to Nest' });
      await expect(layer.receive(channel)).resolves.toEqual({
        type: 'direct',
        text: 'to Nest',
      });
    });

    it("should deliver this app's send to a Django channel", async () => {
      const channel = await django.newChannel();
      const received = django.receive(channel);
      await layer.send(channel, { type: 'direct', text: 'to Django' });
      await expect(received).resolves.toEqual({
        type: 'direct',
        text: 'to Django',
      });
    });
  });
});
