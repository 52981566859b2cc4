import { ChannelLayer } from '../../src/channel-layer';
import { nonLocalName, shardIndex } from '../helpers/channels-redis-shard';
import { createApp, type TestApp } from '../helpers/create-app';
import { PythonPeer } from '../helpers/python-peer';
import { useRedisServers } from '../helpers/use-redis-servers';
import { WsClient } from '../helpers/ws-client';

/** The real channels_redis 4.0 (Debian's python3-channels-redis) and this app on one Redis. */
describe('Interop with channels_redis 4.0 RedisChannelLayer (e2e)', () => {
  const servers = useRedisServers(2);

  describe.each(
    [
      { name: 'plain', shards: 1, keys: [] as string[] },
      { name: 'encrypted', shards: 1, keys: ['new-key', 'old-key'] },
      { name: 'two shards', shards: 2, keys: [] as string[] },
    ].flatMap((setup) => [
      { ...setup, history: false },
      { ...setup, name: `${setup.name}, history on`, history: true },
    ]),
  )('$name', ({ shards, keys, history }) => {
    /** What a message typed here carries besides its text: its id when history is on. */
    const withId = history ? { id: expect.any(String) } : {};
    let testApp: TestApp;
    let layer: ChannelLayer;
    let django: PythonPeer;

    beforeAll(async () => {
      const hosts = servers.slice(0, shards).map((server) => server.url);
      testApp = await createApp({
        CHANNEL_LAYER: 'redis',
        REDIS_URL: hosts.join(','),
        CHANNEL_ENCRYPTION_KEYS: keys.join(','),
        CHAT_HISTORY_SIZE: history ? '100' : '0',
      });
      layer = testApp.app.get(ChannelLayer);
      django = await PythonPeer.start({ layer: 'core', hosts, keys });
    });

    afterAll(async () => {
      await django.stop();
      await testApp.app.close();
    });

    it('should deliver a Django group_send to chat_<room> to the WebSocket clients', async () => {
      const [alice, bob] = await Promise.all([
        WsClient.connect(`${testApp.ws}/ws/chat/from-django/`),
        WsClient.connect(`${testApp.ws}/ws/chat/from-django/`),
      ]);
      // The Channels 4.0 tutorial's spelling of the type.
      await django.groupSend('chat_from-django', {
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
    });

    it('should deliver a WebSocket message to a Django channel in the group', async () => {
      const channel = await django.newChannel({ misrouted: true });
      await django.groupAdd('chat_to-django', channel);
      const received = django.receive(channel);
      const client = await WsClient.connect(`${testApp.ws}/ws/chat/to-django/`);
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
    });

    it("should deliver a Django send to this app's channel, on whichever shard Django wrote it", async () => {
      // With several shards, pick a channel that channels_redis 4.0's send
      // writes to another shard than the one its own receive would read.
      let channel = await layer.newChannel();
      while (
        shards > 1 &&
        shardIndex(channel, shards) ===
          shardIndex(nonLocalName(channel), shards)
      ) {
        channel = await layer.newChannel();
      }
      if (shards > 1) {
        await expect(django.shardOf(channel)).resolves.not.toBe(
          await django.shardOf(nonLocalName(channel)),
        );
      }
      await django.send(channel, { type: 'direct', text: 'to Nest' });
      await expect(layer.receive(channel)).resolves.toEqual({
        type: 'direct',
        text: 'to Nest',
      });
    });

    it("should deliver this app's send to a Django channel", async () => {
      const channel = await django.newChannel({ misrouted: true });
      const received = django.receive(channel);
      await layer.send(channel, { type: 'direct', text: 'to Django' });
      await expect(received).resolves.toEqual({
        type: 'direct',
        text: 'to Django',
      });
    });

    it('should carry named channels both ways', async () => {
      // Named channels are sent round-robin over the shards and each
      // receive waits on one shard, as in channels_redis: one message per
      // shard reaches every receive, whichever shard it waits on.
      const sent = Array.from({ length: shards }, (_, n) => ({
        type: 'task',
        n,
      }));
      for (const message of sent) {
        await layer.send('worker.to-django', message);
      }
      const toDjango = [];
      for (let i = 0; i < shards; i++) {
        toDjango.push(await django.receive('worker.to-django'));
      }
      expect(toDjango).toEqual(expect.arrayContaining(sent));

      for (const message of sent) {
        await django.send('worker.to-nest', message);
      }
      const toNest = [];
      for (let i = 0; i < shards; i++) {
        toNest.push(await layer.receive('worker.to-nest'));
      }
      expect(toNest).toEqual(expect.arrayContaining(sent));
    });
  });
});
