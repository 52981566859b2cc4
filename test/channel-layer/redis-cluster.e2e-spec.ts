import type { Redis } from 'ioredis';
import { createChannelLayer } from '../../src/channel-layer';
import { useRedisCluster } from '../helpers/use-redis-cluster';
import { describeChannelLayerContract } from './channel-layer.contract';

/** Every command call a node has run, by command name, from `INFO commandstats`. */
async function commandCalls(client: Redis): Promise<Map<string, number>> {
  const stats = await client.info('commandstats');
  return new Map(
    [...stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map(
      ([, name, calls]) => [name, Number(calls)],
    ),
  );
}

describe('Redis layers on a Redis Cluster', () => {
  const setup = useRedisCluster(3);

  const connection = (): { mode: 'cluster'; hosts: string[] } => ({
    mode: 'cluster',
    hosts: setup.cluster.urls,
  });

  describeChannelLayerContract('redis, cluster', async (options) =>
    createChannelLayer({
      backend: 'redis',
      ...options,
      ...connection(),
    }),
  );

  describeChannelLayerContract(
    'redis-pubsub, cluster (sharded pub/sub)',
    async (options) =>
      createChannelLayer({
        backend: 'redis-pubsub',
        ...options,
        ...connection(),
      }),
    { noCapacity: true, dropsUnreceived: true },
  );

  // A new client learns the slot table as it connects; a send made before
  // then waits for that, as on a single Redis (within its 5 s).
  it.each(['redis', 'redis-pubsub'] as const)(
    'should deliver a group send made right after the %s layer is created',
    async (backend) => {
      const receiver = createChannelLayer({ backend, ...connection() });
      const channel = await receiver.newChannel();
      await receiver.groupAdd('fresh', channel);
      const sender = createChannelLayer({ backend, ...connection() });
      try {
        await expect(
          sender.groupSend('fresh', { type: 'first' }),
        ).resolves.toMatchObject({ accepted: 1 });
        await expect(receiver.receive(channel)).resolves.toEqual({
          type: 'first',
        });
      } finally {
        await Promise.all([sender.close(), receiver.close()]);
      }
    },
  );

  it('should flush keys of many slots on every master', async () => {
    const layer = createChannelLayer({
      backend: 'redis',
      ...connection(),
      prefix: 'fl',
    });
    try {
      for (let n = 0; n < 20; n++) {
        await layer.send(`channel${n}`, { type: 'hello', n });
      }
      await layer.flush();
      const left = await Promise.all(
        setup.cluster
          .live()
          .map((server) =>
            setup.cluster.ask(server, (client) => client.keys('fl*')),
          ),
      );
      expect(left.flat()).toEqual([]);
    } finally {
      await layer.close();
    }
  });

  it('should send a group message as one members read, then one script call per destination key', async () => {
    const layers = await Promise.all(
      [0, 1, 2, 3].map(async () =>
        createChannelLayer({
          backend: 'redis',
          ...connection(),
          prefix: 'rt',
        }),
      ),
    );
    try {
      const channels = await Promise.all(
        layers.map((layer) => layer.newChannel()),
      );
      await Promise.all(
        channels.map((channel, i) => layers[i].groupAdd('room', channel)),
      );
      const roundTrip = async (n: number): Promise<void> => {
        await layers[0].groupSend('room', { type: 'hello', n });
        await Promise.all(
          layers.map((layer, i) =>
            expect(layer.receive(channels[i])).resolves.toEqual({
              type: 'hello',
              n,
            }),
          ),
        );
      };
      // The first send loads the scripts on each node (NOSCRIPT, then EVAL).
      await roundTrip(1);
      const calls = (): Promise<Array<Map<string, number>>> =>
        Promise.all(
          setup.cluster
            .live()
            .map((server) => setup.cluster.ask(server, commandCalls)),
        );
      const before = await calls();
      await roundTrip(2);
      const after = await calls();
      // Per node, what the send and the receives cost, commands run by the
      // scripts included (not INFO, HELLO and QUIT, this probe's own).
      const perNode = after.map((counts, i): Record<string, number> =>
        Object.fromEntries(
          [...counts]
            .filter(([name]) => !['info', 'hello', 'quit'].includes(name))
            .map(([name, n]): [string, number] => [
              name,
              n - (before[i].get(name) ?? 0),
            ])
            .filter(([, n]) => n !== 0),
        ),
      );
      const scripts = perNode.map(
        (counts) => (counts.evalsha ?? 0) + (counts.eval ?? 0),
      );
      expect(scripts.reduce((sum, n) => sum + n, 0)).toBe(1 + 4);
      process.stdout.write(
        `cluster group send to 4 processes, commands per node: ${JSON.stringify(perNode)}\n`,
      );
    } finally {
      await Promise.all(layers.map((layer) => layer.close()));
    }
  });
});
