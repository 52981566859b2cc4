import { WebSocket } from 'ws';
import { createApp, type TestApp } from '../helpers/create-app';
import { readyzUntil } from '../helpers/readyz';
import { RedisServer } from '../helpers/redis-server';
import { WsClient } from '../helpers/ws-client';

describe.each([
  ['redis', '0'],
  ['redis-pubsub', '0'],
  ['redis', '100'],
  ['redis-pubsub', '100'],
])(
  'Two instances on one Redis, CHANNEL_LAYER=%s, CHAT_HISTORY_SIZE=%s (e2e)',
  (backend, historySize) => {
    /** A chat frame as it comes back: with its id when history is on. */
    const chat = (message: string): object =>
      historySize === '0' ? { message } : { message, id: expect.any(String) };
    let redis: RedisServer;
    let first: TestApp;
    let second: TestApp;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };

    beforeAll(async () => {
      process.on('unhandledRejection', onUnhandled);
      redis = await RedisServer.start();
      const env = {
        CHANNEL_LAYER: backend,
        REDIS_URL: redis.url,
        CHAT_HISTORY_SIZE: historySize,
      };
      [first, second] = await Promise.all([createApp(env), createApp(env)]);
    });

    afterAll(async () => {
      await Promise.all([first.app.close(), second.app.close()]);
      await redis.dispose();
      process.off('unhandledRejection', onUnhandled);
    });

    it('should chat across instances, a Redis restart included, with no client reconnecting', async () => {
      const alice = await WsClient.connect(`${first.ws}/ws/chat/twin/`);
      const bob = await WsClient.connect(`${second.ws}/ws/chat/twin/`);
      const elsewhere = await WsClient.connect(`${second.ws}/ws/chat/other/`);

      alice.send({ message: 'before' });
      await expect(alice.nextMessage()).resolves.toEqual(chat('before'));
      await expect(bob.nextMessage()).resolves.toEqual(chat('before'));

      await redis.stop();
      const down = await readyzUntil(first, 503);
      expect(down).toMatchObject({
        status: 'error',
        error: { channel_layer: { status: 'down' } },
      });
      bob.send({ message: 'during' });
      await expect(bob.nextMessage()).resolves.toMatchObject({
        error: 'layer_unavailable',
      });

      await redis.restart();
      await readyzUntil(first, 200);
      await readyzUntil(second, 200);

      bob.send({ message: 'after' });
      await expect(bob.nextMessage()).resolves.toEqual(chat('after'));
      await expect(alice.nextMessage()).resolves.toEqual(chat('after'));

      elsewhere.send({ message: 'other room' });
      await expect(elsewhere.nextMessage()).resolves.toEqual(
        chat('other room'),
      );
      // Nothing reached the clients but the messages above: no duplicate, no leak.
      expect([alice.pending, bob.pending]).toEqual([0, 0]);
      expect(
        [alice, bob, elsewhere].map((client) => client.socket.readyState),
      ).toEqual([WebSocket.OPEN, WebSocket.OPEN, WebSocket.OPEN]);
      await Promise.all([alice.close(), bob.close(), elsewhere.close()]);
      expect(unhandled).toEqual([]);
    });
  },
);
