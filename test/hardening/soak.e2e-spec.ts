import { Redis } from 'ioredis';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ConsumerRuntime } from '../../src/consumers';
import { createApp, type TestApp } from '../helpers/create-app';
import { RedisServer } from '../helpers/redis-server';
import { WsClient } from '../helpers/ws-client';

const CYCLES = 20_000;
const WARMUP = 1_000;
const PARALLEL = 25;
/** Heap growth allowed over all cycles: well under 100 bytes per cycle. */
const HEAP_SLACK_BYTES = 2 * 1024 * 1024;
/**
 * Handles allowed above the baseline: a timer of ioredis or of a socket
 * still closing can be live at either snapshot, while a handle kept per
 * departed consumer would show as thousands after CYCLES cycles.
 */
const HANDLE_SLACK = 3;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Snapshot {
  heap: number;
  handles: number;
  listeners: number;
  consumers: number;
  keys: number;
}

/** connect → join → message → disconnect, `count` times, `PARALLEL` at once. */
async function cycles(testApp: TestApp, count: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async (_, lane) => {
      while (next < count) {
        const n = next++;
        const client = await WsClient.connect(
          `${testApp.ws}/ws/chat/soak-${lane}/`,
        );
        client.send({ message: `m${n}` });
        await client.nextMessage();
        await client.close();
        if (n % 5_000 === 0 && n > 0) {
          process.stdout.write(`soak: ${n} / ${count} cycles\n`);
        }
      }
    }),
  );
}

describe.each(['memory', 'redis', 'redis-pubsub'])(
  'Soak: %s layer (e2e)',
  (backend) => {
    let redis: RedisServer | undefined;
    let admin: Redis | undefined;
    let testApp: TestApp;

    async function snapshot(): Promise<Snapshot> {
      // Let closing sockets and discards settle, then collect twice.
      const runtime = testApp.app.get(ConsumerRuntime);
      for (let i = 0; i < 100 && runtime.size > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Fewest handles over a few samples: a command's reply timer or a
      // closing socket is transient; a leaked one stays in every sample.
      let handles = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 10; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        handles = Math.min(handles, process.getActiveResourcesInfo().length);
      }
      gc();
      gc();
      return {
        heap: process.memoryUsage().heapUsed,
        handles,
        listeners: process
          .eventNames()
          .reduce((sum, name) => sum + process.listenerCount(name), 0),
        consumers: runtime.size,
        keys: admin
          ? (await admin.keys('asgi*')).length +
            ((await admin.pubsub('CHANNELS')) as string[]).length
          : 0,
      };
    }

    beforeAll(async () => {
      const env: Record<string, string> = {
        CHAT_RATE_LIMIT: '1000000',
        CHAT_RATE_BURST: '1000000',
        // Every cycle comes from this one address.
        WS_HANDSHAKE_RATE_LIMIT: '100000000',
        WS_HANDSHAKE_RATE_BURST: '1000000',
        CHAT_ADDRESS_RATE_LIMIT: '100000000',
        CHAT_ADDRESS_RATE_BURST: '1000000',
      };
      if (backend !== 'memory') {
        redis = await RedisServer.start();
        admin = new Redis(redis.url, { protocol: 2 });
        Object.assign(env, { CHANNEL_LAYER: backend, REDIS_URL: redis.url });
      }
      testApp = await createApp(env);
    });

    afterAll(async () => {
      await testApp.app.close();
      admin?.disconnect();
      await redis?.dispose();
    });

    it(`should come back to its baseline after ${CYCLES} connect → join → message → disconnect cycles`, async () => {
      await cycles(testApp, WARMUP);
      const before = await snapshot();
      await cycles(testApp, CYCLES);
      const after = await snapshot();
      process.stdout.write(
        `soak ${backend}: heap ${before.heap} → ${after.heap} bytes ` +
          `(${((after.heap - before.heap) / CYCLES).toFixed(1)} bytes/cycle), ` +
          `handles ${before.handles} → ${after.handles}, listeners ${before.listeners} → ${after.listeners}, ` +
          `Redis keys and pub/sub channels ${before.keys} → ${after.keys}\n`,
      );
      expect(after.consumers).toBe(0);
      expect(after.handles).toBeLessThanOrEqual(before.handles + HANDLE_SLACK);
      expect(after.listeners).toBe(before.listeners);
      expect(after.keys).toBeLessThanOrEqual(before.keys);
      expect(after.heap - before.heap).toBeLessThan(HEAP_SLACK_BYTES);
    }, 600_000); // 20,000 cycles on a busy 2-core machine took up to ~5 min
  },
);
