import { Redis } from 'ioredis';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Packr } from 'msgpackr';
import { createChannelLayer } from '../../src/channel-layer';
import { describeChannelLayerContract } from '../../src/testing';
import { shardIndex } from '../helpers/channels-redis-shard';
import { RedisServer } from '../helpers/redis-server';
import { useRedisServers } from '../helpers/use-redis-servers';

/** msgpack as Python's `msgpack.packb` writes a message dict (maps, no records). */
const PYTHON_MSGPACK = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  moreTypes: false,
  int64AsType: 'number',
});

describe('RedisChannelLayer', () => {
  const servers = useRedisServers(2);

  describeChannelLayerContract('redis, one shard', async (options) =>
    createChannelLayer({
      ...options,
      backend: 'redis',
      hosts: [servers[0].url],
    }),
  );

  describeChannelLayerContract('redis, two shards', async (options) =>
    createChannelLayer({
      ...options,
      backend: 'redis',
      hosts: servers.map((server) => server.url),
    }),
  );

  describeChannelLayerContract('redis, encrypted', async (options) =>
    createChannelLayer({
      ...options,
      backend: 'redis',
      hosts: [servers[0].url],
      symmetricEncryptionKeys: ['new-key', 'old-key'],
    }),
  );

  describe.each([
    { name: 'one shard (one script)', shards: 1 },
    { name: 'two shards', shards: 2 },
  ])('group send data layout, $name', ({ shards }) => {
    it('should write one value per process key, byte for byte as channels_redis 4.0', async () => {
      const hosts = servers.slice(0, shards).map((server) => server.url);
      const layer = createChannelLayer({
        backend: 'redis',
        hosts,
        prefix: 'layout',
      });
      const members = [
        'specific.django1!a',
        'specific.django1!b',
        'specific.django2!c',
        'worker.named',
      ];
      for (const channel of members) {
        await layer.groupAdd('room', channel);
      }
      const message = { type: 'chat.message', message: 'hi', n: 1 };
      await layer.groupSend('room', message);

      const expected = new Map([
        [
          'layout' + 'specific.django1!',
          ['specific.django1!a', 'specific.django1!b'],
        ],
        ['layout' + 'specific.django2!', ['specific.django2!c']],
        ['layout' + 'worker.named', ['worker.named']],
      ]);
      for (const [key, channels] of expected) {
        const name = key.slice('layout'.length);
        const client = new Redis(hosts[shardIndex(name, shards)], {
          protocol: 2,
        });
        const values = await client.zrangeBuffer(key, '0', '-1');
        client.disconnect();
        expect(values).toHaveLength(1);
        expect(values[0].subarray(12).toString('hex')).toBe(
          PYTHON_MSGPACK.pack({
            ...message,
            __asgi_channel__: channels,
          }).toString('hex'),
        );
      }
      await layer.flush();
      await layer.close();
    });

    it("should let a process key hold the larger of a channel's capacity and the process capacity, as a send to it does", async () => {
      const layer = createChannelLayer({
        backend: 'redis',
        hosts: servers.slice(0, shards).map((server) => server.url),
        prefix: 'process_capacity',
        capacity: 3,
        processCapacity: 2,
      });
      await layer.groupAdd('room', 'specific.django1!a');
      const results = [];
      for (let n = 0; n < 4; n++) {
        results.push(await layer.groupSend('room', { type: 'seq', n }));
      }
      expect(results).toEqual([
        { accepted: 1, full: 0 },
        { accepted: 1, full: 0 },
        { accepted: 1, full: 0 },
        { accepted: 0, full: 1 },
      ]);
      await layer.flush();
      await layer.close();
    });
  });

  describe('first connection', () => {
    it('should fail a burst of sends while Redis never answered, with one shared wait and no listener per send', async () => {
      // A process of its own (the built layer): Node's warnings go to the
      // real process, which jest's sandbox does not show.
      const absent = await RedisServer.reserve();
      const layerModule = join(__dirname, '../../dist/channel-layer/index.js');
      const script = `
        const { createChannelLayer } = require(${JSON.stringify(layerModule)});
        (async () => {
          const layer = createChannelLayer({ backend: 'redis', hosts: [${JSON.stringify(absent.url)}] });
          const channel = await layer.newChannel();
          const sends = await Promise.allSettled(
            Array.from({ length: 50 }, (_, n) => layer.send(channel, { type: 'burst', n })),
          );
          await layer.close();
          console.log(JSON.stringify(sends.map((send) => send.status)));
        })();`;
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [
        '-e',
        script,
      ]);
      await absent.dispose();
      expect(JSON.parse(stdout.trim().split('\n').pop() ?? '[]')).toEqual(
        Array.from({ length: 50 }, () => 'rejected'),
      );
      expect(stderr).not.toContain('MaxListenersExceededWarning');
    });
  });
});
