import { createApp, type TestApp } from '../helpers/create-app';
import { RedisServer } from '../helpers/redis-server';
import { WsClient } from '../helpers/ws-client';

interface Layout {
  name: string;
  env: (redis: RedisServer[]) => Record<string, string>;
  /** App processes sharing the layer; clients are spread over them. */
  processes: number;
}

const LAYOUTS: Layout[] = [
  { name: 'memory', env: () => ({}), processes: 1 },
  {
    name: 'redis, one shard',
    env: ([a]) => ({ CHANNEL_LAYER: 'redis', REDIS_URL: a.url }),
    processes: 1,
  },
  {
    name: 'redis, two shards, two processes',
    env: ([a, b]) => ({
      CHANNEL_LAYER: 'redis',
      REDIS_URL: `${a.url},${b.url}`,
    }),
    processes: 2,
  },
  {
    name: 'redis-pubsub, two processes',
    env: ([a]) => ({ CHANNEL_LAYER: 'redis-pubsub', REDIS_URL: a.url }),
    processes: 2,
  },
];

jest.setTimeout(60_000); // bursts of 1,200 messages through Redis on a busy machine

/**
 * Reads `client`'s frames until it has `count` chat messages; an error reply
 * fails the test (every message of these bursts is within the limits).
 */
async function collect(client: WsClient, count: number): Promise<string[]> {
  const texts: string[] = [];
  while (texts.length < count) {
    const frame = (await client.nextMessage()) as {
      message?: string;
      error?: string;
    };
    if (frame.error !== undefined) {
      throw new Error(`error reply during a burst: ${JSON.stringify(frame)}`);
    }
    texts.push(frame.message as string);
  }
  return texts;
}

/**
 * Bursts of chat messages within the rate limits (Channels handles one event
 * at a time per consumer, so a burst is paced, not lost): every accepted
 * message reaches every member of its room, in each sender's order.
 */
describe.each(LAYOUTS)('Bursts, $name (e2e)', ({ env, processes }) => {
  const redis: RedisServer[] = [];
  const apps: TestApp[] = [];

  beforeAll(async () => {
    redis.push(await RedisServer.start(), await RedisServer.start());
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((testApp) => testApp.app.close()));
  });

  afterAll(async () => {
    await Promise.all(redis.map((server) => server.dispose()));
  });

  /** `count` clients of `room`, spread over the processes. */
  async function members(room: string, count: number): Promise<WsClient[]> {
    return Promise.all(
      Array.from({ length: count }, (_, n) =>
        WsClient.connect(`${apps[n % apps.length].ws}/ws/chat/${room}/`),
      ),
    );
  }

  async function start(extra: Record<string, string> = {}): Promise<void> {
    for (let n = 0; n < processes; n++) {
      apps.push(await createApp({ ...env(redis), ...extra }));
    }
  }

  /** Every member sees every sender's messages, each sender's in order. */
  function expectWhole(seen: string[], senders: string[], burst: number): void {
    expect(seen).toHaveLength(senders.length * burst);
    for (const sender of senders) {
      const own = seen.filter((text) => text.startsWith(`${sender}:`));
      expect(own).toEqual(
        Array.from({ length: burst }, (_, n) => `${sender}:${n}`),
      );
    }
  }

  it('should deliver 20 clients × 40 messages in 4 rooms whole, at the default limits', async () => {
    await start();
    const burst = 40;
    const rooms = await Promise.all(
      ['r0', 'r1', 'r2', 'r3'].map((room) => members(`burst-${room}`, 5)),
    );
    rooms.forEach((clients, r) =>
      clients.forEach((client, c) => {
        for (let n = 0; n < burst; n++) {
          client.send({ message: `${r}.${c}:${n}` });
        }
      }),
    );
    for (const [r, clients] of rooms.entries()) {
      for (const client of clients) {
        expectWhole(
          await collect(client, 5 * burst),
          [0, 1, 2, 3, 4].map((c) => `${r}.${c}`),
          burst,
        );
      }
    }
    await Promise.all(rooms.flat().map((client) => client.close()));
  });

  it('should deliver two clients × 600 messages whole to a room of three', async () => {
    await start({ CHAT_RATE_LIMIT: '100000', CHAT_RATE_BURST: '100000' });
    const burst = 600;
    const clients = await members('burst-three', 3);
    clients.slice(0, 2).forEach((client, c) => {
      for (let n = 0; n < burst; n++) {
        client.send({ message: `${c}:${n}` });
      }
    });
    for (const client of clients) {
      expectWhole(await collect(client, 2 * burst), ['0', '1'], burst);
    }
    await Promise.all(clients.map((client) => client.close()));
  });
});
