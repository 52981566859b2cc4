import {
  type ChannelLayer,
  ChannelLayerUnavailableError,
  createChannelLayer,
} from '../../src/channel-layer';
import { Redis } from 'ioredis';
import { RedisServer } from '../helpers/redis-server';
import { pollUntil } from '../helpers/poll-until';
import { nonLocalName } from '../helpers/channels-redis-shard';

/** Resolves once `layer` answers ping again, letting the event loop turn between tries. */
async function backUp(layer: ChannelLayer): Promise<void> {
  while (
    !(await layer.ping().then(
      () => true,
      () => false,
    ))
  ) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('RedisPubSubChannelLayer through a Redis restart', () => {
  let redis: RedisServer;
  let layer: ChannelLayer;
  let other: ChannelLayer;

  beforeEach(async () => {
    redis = await RedisServer.start();
    layer = createChannelLayer({ backend: 'redis-pubsub', hosts: [redis.url] });
    other = createChannelLayer({ backend: 'redis-pubsub', hosts: [redis.url] });
  });

  afterEach(async () => {
    await Promise.all([layer.close(), other.close()]);
    await redis.dispose();
  });

  it('should refuse changes while Redis is away and keep the memberships it had', async () => {
    const channel = await layer.newChannel();
    await layer.groupAdd('kept', channel);
    await redis.stop();
    await expect(layer.groupAdd('refused', channel)).rejects.toThrow(
      ChannelLayerUnavailableError,
    );
    await expect(layer.newChannel()).rejects.toThrow(
      ChannelLayerUnavailableError,
    );

    await redis.restart();
    await backUp(layer);
    await backUp(other);
    await other.groupSend('kept', { type: 'group', n: 1 });
    await expect(layer.receive(channel)).resolves.toEqual({
      type: 'group',
      n: 1,
    });
    // The refused groupAdd left no membership: the direct message comes next.
    await other.groupSend('refused', { type: 'group', n: 2 });
    await other.send(channel, { type: 'direct' });
    await expect(layer.receive(channel)).resolves.toEqual({ type: 'direct' });
  });
});

describe.each(['redis', 'redis-pubsub'] as const)(
  'a %s layer receiving on a named channel through a Redis restart',
  (backend) => {
    let redis: RedisServer;
    let layer: ChannelLayer;

    beforeEach(async () => {
      redis = await RedisServer.start();
      const hosts = [redis.url];
      layer = createChannelLayer(
        backend === 'redis' ? { backend, hosts } : { backend, hosts },
      );
    });

    afterEach(async () => {
      await layer.close();
      await redis.dispose();
    });

    it('should fail a receive on a named channel with ChannelLayerUnavailableError while Redis is away, and receive once it is back', async () => {
      await layer.ping();
      await redis.stop();
      await expect(layer.receive('worker.tasks')).rejects.toThrow(
        ChannelLayerUnavailableError,
      );

      await redis.restart();
      await backUp(layer);
      const received = layer.receive('worker.tasks');
      await layer.send('worker.tasks', { type: 'task' });
      await expect(received).resolves.toEqual({ type: 'task' });
    });
  },
);

/**
 * `flush` of the `redis` layer waits until its reader took back a marker,
 * so that nothing popped before the flush lands after it. A reader that
 * cannot take it back (its connection is down) fails the flush after a
 * command's 5 s; it must not make the writers' connection, which answered,
 * be cut as if Redis had hung.
 */
describe('RedisChannelLayer flush while its reader is away', () => {
  let redis: RedisServer;
  let layer: ChannelLayer;
  let admin: Redis;

  /** The `CLIENT LIST` id of the connection named `name`. */
  async function clientId(name: string): Promise<string | undefined> {
    const list = (await admin.client('LIST')) as string;
    return /id=(\d+) .*name=(\S+)/
      .exec(
        list.split('\n').find((line) => line.includes(` name=${name} `)) ?? '',
      )
      ?.at(1);
  }

  beforeEach(async () => {
    redis = await RedisServer.start();
    admin = new Redis(redis.url);
    layer = createChannelLayer({ backend: 'redis', hosts: [redis.url] });
  });

  afterEach(async () => {
    await layer.close();
    admin.disconnect();
    await redis.dispose();
  });

  it('should fail with ChannelLayerUnavailableError and keep the writers’ connection', async () => {
    const channel = await layer.newChannel();
    await layer.send(channel, { type: 'before' });
    await expect(layer.receive(channel)).resolves.toEqual({ type: 'before' });
    const writer = await clientId('channels:0');
    const reader = await clientId('channels:reader:0');
    expect(writer).toBeDefined();
    expect(reader).toBeDefined();

    // No new connection is let in, and the reader's is closed: it cannot
    // come back until the limit is lifted.
    const maxclients = await admin.config('GET', 'maxclients');
    await admin.config('SET', 'maxclients', '1');
    await admin.client('KILL', 'ID', String(reader));
    await expect(layer.flush()).rejects.toThrow(ChannelLayerUnavailableError);
    // The marker waits in the process's key, which expires as a send's does:
    // had this process died now, it would not stay behind for ever.
    const [key] = await admin.keys('asgispecific.*!');
    expect(key).toBeDefined();
    expect(await admin.ttl(key)).toBeGreaterThan(0);
    await admin.config('SET', 'maxclients', maxclients[1]);

    expect(await clientId('channels:0')).toBe(writer);
    // The reader comes back by itself, and takes what was sent meanwhile.
    await layer.send(channel, { type: 'after' });
    await expect(layer.receive(channel)).resolves.toEqual({ type: 'after' });
    expect(await clientId('channels:0')).toBe(writer);
  });

  it('should resolve once the reader is back, though a send came to its key first', async () => {
    const channel = await layer.newChannel();
    await layer.send(channel, { type: 'before' });
    await expect(layer.receive(channel)).resolves.toEqual({ type: 'before' });
    const reader = await clientId('channels:reader:0');

    const maxclients = await admin.config('GET', 'maxclients');
    await admin.config('SET', 'maxclients', '1');
    await admin.client('KILL', 'ID', String(reader));
    const flushed = layer.flush();
    flushed.catch(() => undefined); // awaited below
    await pollUntil('the marker written', async () =>
      (await admin.exists(`asgi${nonLocalName(channel)}`)) ? true : undefined,
    );
    // A send to the same key drops what expired there: not the marker.
    // (The flush may drop this message too: it comes before the flush ends.)
    await layer.send(channel, { type: 'during' });
    await admin.config('SET', 'maxclients', maxclients[1]);

    await expect(flushed).resolves.toBeUndefined();
    await layer.send(channel, { type: 'after' });
    await expect(layer.receive(channel)).resolves.toEqual({ type: 'after' });
  });
});
