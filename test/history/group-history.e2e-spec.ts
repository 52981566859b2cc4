import {
  ChannelLayerUnavailableError,
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
import { pollUntil } from '../helpers/poll-until';
import { nonLocalName, shardIndex } from '../helpers/channels-redis-shard';

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

/**
 * Where the core layer's group send takes two steps (here: two shards),
 * history stores the message, then sends it, and deletes it again when the
 * send fails: its sender was told it failed (and may send it again), so no
 * member may get it from the history later. When the history's Redis went
 * away between the two steps, that delete waits for it to come back.
 */
describe('GroupHistory, redis, two shards, a send that fails as the history’s Redis crashes', () => {
  const servers: RedisServer[] = [];
  let layer: ChannelLayer;
  let history: GroupHistory;
  let admin: Redis | undefined;

  beforeEach(async () => {
    // Every write on disk before its reply: the store outlives the crash.
    const durable = ['--appendonly', 'yes', '--appendfsync', 'always'];
    servers.push(
      await RedisServer.start(durable),
      await RedisServer.start(durable),
    );
    const options: ChannelLayerOptions = {
      backend: 'redis',
      hosts: servers.map((server) => server.url),
    };
    layer = createChannelLayer(options);
    history = createGroupHistory(options, layer, { size: 10, ttl: 60 });
  });

  afterEach(async () => {
    servers.forEach((server) => server.thaw()); // if the test stopped while one was frozen
    await history.close();
    await layer.close();
    admin?.disconnect();
    await Promise.all(servers.splice(0).map((server) => server.dispose()));
  });

  it('should delete the stored message once that Redis is back', async () => {
    const channel = await layer.newChannel();
    const member = servers[shardIndex(nonLocalName(channel), 2)];
    // The group (and its history) on the other shard than the member's key.
    let n = 0;
    while (servers[shardIndex(`crash${n}`, 2)] === member) {
      n++;
    }
    const name = `crash${n}`;
    const store = servers[shardIndex(name, 2)];
    const stored = new Redis(store.url);
    admin = stored;
    await layer.groupAdd(name, channel);
    const kept = await history.groupSend(name, {
      type: 'chat.message',
      message: 'kept',
    });
    await expect(layer.receive(channel)).resolves.toMatchObject({
      message: 'kept',
    });

    // The send's write hangs; the history's Redis dies once it has stored
    // the message (on disk), so the delete after the failure fails too.
    member.freeze();
    const lost = expect(
      history.groupSend(name, { type: 'chat.message', message: 'lost' }),
    ).rejects.toThrow(ChannelLayerUnavailableError);
    await pollUntil('the message stored', async () =>
      (await stored.xlen(`asgi:history:{asgi:group:${name}}`)) === 2
        ? true
        : undefined,
    );
    await store.stop();
    await lost;
    member.thaw();
    await store.restart();

    const left = await pollUntil(
      'the failed message gone from the history',
      () =>
        history
          .last(name, 10)
          .then((messages) =>
            messages.some(({ message }) => message === 'lost')
              ? undefined
              : messages,
          ),
      10_000,
    );
    expect(left).toEqual([
      { type: 'chat.message', message: 'kept', id: kept.id },
    ]);
    await expect(history.since(name, kept.id)).resolves.toEqual({
      recovered: true,
      messages: [],
    });
  }, 30_000);
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
