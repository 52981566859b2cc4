import {
  createChannelLayer,
  createGroupHistory,
  type ChannelLayer,
  type ChannelLayerOptions,
  type GroupHistory,
  isNextHistoryId,
} from '../../src/channel-layer';
import { Redis } from 'ioredis';
import { useRedisCluster } from '../helpers/use-redis-cluster';
import { RedisServer } from '../helpers/redis-server';
import { SentinelSetup } from '../helpers/redis-sentinel';

/** The history's behaviour against one backend configuration (a shared suite, as the layer contract). */
function describeGroupHistory(
  name: string,
  options: () => ChannelLayerOptions,
  /** Where a group's stream is, to check its expiry: its server and key. */
  stream?: (group: string) => { url: string; key: string },
): void {
  describe(`GroupHistory, ${name}`, () => {
    let layer: ChannelLayer;
    let history: GroupHistory;
    let room = 0;
    const group = (): string => `chat_history${++room}-${Date.now()}`;

    beforeEach(() => {
      layer = createChannelLayer(options());
      history = createGroupHistory(options(), layer, { size: 3, ttl: 60 });
    });

    afterEach(async () => {
      await history.close();
      await layer.close();
    });

    it('should deliver each message with the next id of its group and keep the last ones', async () => {
      const name = group();
      const channel = await layer.newChannel();
      await layer.groupAdd(name, channel);
      const ids: string[] = [];
      for (let n = 0; n < 5; n++) {
        const sent = await history.groupSend(name, {
          type: 'chat.message',
          message: `m${n}`,
        });
        expect(sent.accepted).toBe(1);
        await expect(layer.receive(channel)).resolves.toEqual({
          type: 'chat.message',
          message: `m${n}`,
          id: sent.id,
        });
        ids.push(sent.id);
      }
      // A new group's history: one epoch, its messages numbered from 0.
      const epoch = ids[0].split('-')[0];
      expect(ids).toEqual(ids.map((_, n) => `${epoch}-${n}`));
      await expect(history.last(name, 2)).resolves.toEqual([
        { type: 'chat.message', message: 'm3', id: ids[3] },
        { type: 'chat.message', message: 'm4', id: ids[4] },
      ]);
      await expect(history.since(name, ids[2])).resolves.toEqual({
        recovered: true,
        messages: [
          { type: 'chat.message', message: 'm3', id: ids[3] },
          { type: 'chat.message', message: 'm4', id: ids[4] },
        ],
      });
      // Trimmed to 3: m1 is gone, so m2 onwards comes with recovered: false.
      await expect(history.since(name, ids[1])).resolves.toMatchObject({
        recovered: false,
        messages: [{ id: ids[2] }, { id: ids[3] }, { id: ids[4] }],
      });
    });

    if (stream) {
      it('should let a group nobody sends to expire after ttl seconds', async () => {
        const name = group();
        await history.groupSend(name, { type: 'chat.message', message: 'x' });
        const { url, key } = stream(name);
        const redis = new Redis(url);
        try {
          const ttl = await redis.ttl(key);
          expect(ttl).toBeGreaterThan(0);
          expect(ttl).toBeLessThanOrEqual(60);
        } finally {
          redis.disconnect();
        }
      });
    }

    if (stream) {
      it("should start a later epoch at 0 once a group's history is lost", async () => {
        const name = group();
        await history.groupSend(name, { type: 'chat.message', message: 'a' });
        const before = await history.groupSend(name, {
          type: 'chat.message',
          message: 'b',
        });
        const { url, key } = stream(name);
        const redis = new Redis(url);
        try {
          await redis.del(key);
        } finally {
          redis.disconnect();
        }
        const after = await history.groupSend(name, {
          type: 'chat.message',
          message: 'c',
        });
        expect(after.id).toMatch(/-0$/);
        expect(isNextHistoryId(before.id, after.id)).toBe(true);
      });
    }

    it('should refuse an invalid group name and store nothing', async () => {
      await expect(
        history.groupSend('bad group', { type: 'chat.message' }),
      ).rejects.toThrow(/Group name/);
    });

    it('should keep nothing for a group nobody sent to', async () => {
      const name = group();
      await expect(history.last(name, 3)).resolves.toEqual([]);
      await expect(history.since(name, '1-0')).resolves.toEqual({
        recovered: false,
        messages: [],
      });
    });
  });
}

describeGroupHistory('memory', () => ({ backend: 'memory' }));

describe('on standalone Redis servers', () => {
  const servers: RedisServer[] = [];

  beforeAll(async () => {
    servers.push(await RedisServer.start(), await RedisServer.start());
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.dispose()));
  });

  const hosts = (count: number): string[] =>
    servers.slice(0, count).map((server) => server.url);

  describeGroupHistory(
    'redis',
    () => ({ backend: 'redis', hosts: hosts(1) }),
    (name) => ({ url: hosts(1)[0], key: `asgi:history:{asgi:group:${name}}` }),
  );
  describeGroupHistory('redis, two shards', () => ({
    backend: 'redis',
    hosts: hosts(2),
  }));
  describeGroupHistory('redis, encrypted', () => ({
    backend: 'redis',
    hosts: hosts(1),
    symmetricEncryptionKeys: ['secret'],
  }));
  describeGroupHistory(
    'redis-pubsub',
    () => ({ backend: 'redis-pubsub', hosts: hosts(1) }),
    (name) => ({
      url: hosts(1)[0],
      key: `asgi:history:{asgi__group__${name}}`,
    }),
  );
  describeGroupHistory('redis-pubsub, two shards', () => ({
    backend: 'redis-pubsub',
    hosts: hosts(2),
  }));
});

describe('behind Sentinel', () => {
  let sentinel: SentinelSetup;

  beforeAll(async () => {
    sentinel = await SentinelSetup.start();
  });

  afterAll(async () => {
    await sentinel.dispose();
  });

  for (const backend of ['redis', 'redis-pubsub'] as const) {
    describeGroupHistory(`${backend}, sentinel`, () => ({
      backend,
      mode: 'sentinel',
      hosts: sentinel.urls,
      masterNames: [sentinel.masterName],
    }));
  }
});

describe('on a Redis Cluster', () => {
  const setup = useRedisCluster(3);

  describeGroupHistory('redis, cluster', () => ({
    backend: 'redis',
    mode: 'cluster',
    hosts: setup.cluster.urls,
  }));
  describeGroupHistory('redis-pubsub, cluster', () => ({
    backend: 'redis-pubsub',
    mode: 'cluster',
    hosts: setup.cluster.urls,
  }));
});
