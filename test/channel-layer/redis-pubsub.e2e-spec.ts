import { Redis } from 'ioredis';
import { type ChannelLayer, createChannelLayer } from '../../src/channel-layer';
import { describeChannelLayerContract } from '../../src/testing';
import { shardIndex } from '../helpers/channels-redis-shard';
import { useRedisServers } from '../helpers/use-redis-servers';

/** Pub/sub keeps nothing: no capacity, and no message for a channel nobody listens on. */
const PUBSUB = { noCapacity: true, dropsUnreceived: true };

/** How many PUBLISH commands `client`'s server has run since it started. */
async function publishCalls(client: Redis): Promise<number> {
  const stats = await client.info('commandstats');
  const match = /^cmdstat_publish:calls=(\d+)/m.exec(stats);
  return match ? Number(match[1]) : 0;
}

/** How many connections are subscribed to the pub/sub channel `name`. */
async function subscribers(client: Redis, name: string): Promise<number> {
  const reply = (await client.pubsub('NUMSUB', name)) as [string, number];
  return Number(reply[1]);
}

describe('RedisPubSubChannelLayer', () => {
  const servers = useRedisServers(2);

  describeChannelLayerContract(
    'redis-pubsub, one shard',
    async (options) =>
      createChannelLayer({
        ...options,
        backend: 'redis-pubsub',
        hosts: [servers[0].url],
      }),
    PUBSUB,
  );

  describeChannelLayerContract(
    'redis-pubsub, two shards',
    async (options) =>
      createChannelLayer({
        ...options,
        backend: 'redis-pubsub',
        hosts: servers.map((server) => server.url),
      }),
    PUBSUB,
  );

  describe.each([
    { name: 'one shard', shards: 1 },
    { name: 'two shards', shards: 2 },
  ])('publishes and subscriptions, $name', ({ shards }) => {
    const layers: ChannelLayer[] = [];
    let admins: Redis[];

    /** A layer on the first `shards` servers, closed after the test. */
    function newLayer(): ChannelLayer {
      const hosts = servers.slice(0, shards).map((server) => server.url);
      const layer = createChannelLayer({
        backend: 'redis-pubsub',
        hosts,
        prefix: 'ps',
      });
      layers.push(layer);
      return layer;
    }

    /** The admin client of the shard that holds pub/sub channel `name`. */
    const adminOf = (name: string): Redis => admins[shardIndex(name, shards)];

    beforeAll(() => {
      admins = servers
        .slice(0, shards)
        .map((server) => new Redis(server.url, { protocol: 2 }));
    });

    afterEach(async () => {
      await Promise.all(layers.splice(0).map((layer) => layer.close()));
    });

    afterAll(() => admins.forEach((admin) => admin.disconnect()));

    it.each([1, 200])(
      'should cost one PUBLISH for a group send to %i members, on the group shard only',
      async (size) => {
        const layer = newLayer();
        const group = `room${size}`;
        const members = await Promise.all(
          Array.from({ length: size }, () => layer.newChannel()),
        );
        await Promise.all(
          members.map((channel) => layer.groupAdd(group, channel)),
        );
        const received = Promise.all(
          members.map((channel) => layer.receive(channel)),
        );
        const before = await Promise.all(admins.map(publishCalls));
        await layer.groupSend(group, { type: 'chat.message', message: 'hi' });
        await expect(received).resolves.toEqual(
          members.map(() => ({ type: 'chat.message', message: 'hi' })),
        );
        const after = await Promise.all(admins.map(publishCalls));
        const home = shardIndex(`ps__group__${group}`, shards);
        expect(after.map((calls, index) => calls - before[index])).toEqual(
          admins.map((_, index) => (index === home ? 1 : 0)),
        );
      },
    );

    it('should subscribe an instance to a group while it has a local member, once', async () => {
      const [first, second] = [newLayer(), newLayer()];
      const name = 'ps__group__lobby';
      const admin = adminOf(name);
      const [a, b] = [await first.newChannel(), await first.newChannel()];
      const c = await second.newChannel();
      await expect(subscribers(admin, name)).resolves.toBe(0);

      await first.groupAdd('lobby', a);
      await first.groupAdd('lobby', b);
      await expect(subscribers(admin, name)).resolves.toBe(1);
      await expect(admin.pubsub('CHANNELS', 'ps__group__*')).resolves.toEqual([
        name,
      ]);
      await second.groupAdd('lobby', c);
      await expect(subscribers(admin, name)).resolves.toBe(2);

      await first.groupDiscard('lobby', a);
      await expect(subscribers(admin, name)).resolves.toBe(2);
      await first.groupDiscard('lobby', b);
      await expect(subscribers(admin, name)).resolves.toBe(1);
      await second.groupDiscard('lobby', c);
      await expect(subscribers(admin, name)).resolves.toBe(0);
      await expect(admin.pubsub('CHANNELS', 'ps__group__*')).resolves.toEqual(
        [],
      );
    });

    it("should subscribe to a new channel before newChannel resolves, so another process's send arrives", async () => {
      const [receiver, sender] = [newLayer(), newLayer()];
      const channel = await receiver.newChannel();
      await expect(subscribers(adminOf(channel), channel)).resolves.toBe(1);
      await sender.send(channel, { type: 'direct', n: 1 });
      await expect(receiver.receive(channel)).resolves.toEqual({
        type: 'direct',
        n: 1,
      });
    });
  });
});
