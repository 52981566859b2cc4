import { Redis } from 'ioredis';
import { setTimeout as delay } from 'node:timers/promises';
import {
  ChannelLayer,
  ChannelLayerUnavailableError,
} from '../../src/channel-layer';
import { expectHungGroupSendsRefused } from '../helpers/hung-group-sends';
import { expectNoDeliveryAfterRefusal } from '../helpers/late-delivery';
import { sendAfterThaw } from '../helpers/send-after-thaw';
import { useAppWithRedis } from '../helpers/use-app-with-redis';
import { readyzUntil } from '../helpers/readyz';
import type { RedisServer } from '../helpers/redis-server';
import { WsClient } from '../helpers/ws-client';
import { chatFrame } from '../helpers/history-mode';

/** How much longer Redis hangs once a subscription made in the hang has failed. */
const HANG_AFTER_SUBSCRIPTION_MS = 1_000;

/**
 * What a hung Redis leaves behind: the process holds a bounded number of
 * commands, nothing answered "unavailable" is delivered later, and refused
 * handshakes leave no member in the room's group.
 */
describe.each(['redis', 'redis-pubsub'])(
  'Bounds while Redis hangs, CHANNEL_LAYER=%s (e2e)',
  (backend) => {
    const suite = useAppWithRedis(
      backend,
      { WS_HANDSHAKE_TIMEOUT_MS: '1000' },
      true,
    );

    it('should hold at most a bounded number of sends, fail every one of them, and deliver none later', async () => {
      const layer = suite.app.app.get(ChannelLayer);
      const channel = await layer.newChannel();
      await layer.groupAdd('bounded', channel);
      suite.redis.freeze();
      await expectHungGroupSendsRefused(layer, 'bounded');

      suite.redis.thaw();
      await readyzUntil(suite.app, 200);
      await layer.groupSend('bounded', { type: 'after' });
      await expect(layer.receive(channel)).resolves.toEqual({ type: 'after' });
    }, 60_000);
  },
);

/**
 * Refused handshakes must not join the room late: with `redis` a late
 * member would sit in the group's sorted set for `GROUP_EXPIRY` (a day),
 * filling a dead channel's key with every message of the room.
 */
describe('Handshakes while Redis hangs, CHANNEL_LAYER=redis (e2e)', () => {
  const suite = useAppWithRedis('redis', { WS_HANDSHAKE_TIMEOUT_MS: '1000' });

  it('should leave no member behind for handshakes refused while Redis hangs', async () => {
    const live = await WsClient.connect(`${suite.app.ws}/ws/chat/exact/`);
    suite.redis.freeze();
    const refused = await Promise.allSettled(
      Array.from({ length: 5 }, () =>
        WsClient.connect(`${suite.app.ws}/ws/chat/exact/`),
      ),
    );
    expect(refused.map((outcome) => outcome.status)).toEqual(
      Array(5).fill('rejected'),
    );
    // A send issued after those handshakes fails once the layer has given
    // up on everything issued before it: the hang outlasts their deadlines.
    await expect(
      suite.app.app.get(ChannelLayer).groupSend('probe', { type: 'probe' }),
    ).rejects.toThrow(ChannelLayerUnavailableError);
    suite.redis.thaw();
    await readyzUntil(suite.app, 200);

    const other = await WsClient.connect(`${suite.app.ws}/ws/chat/exact/`);
    other.send({ message: 'who is here' });
    await expect(live.nextMessage()).resolves.toEqual(chatFrame('who is here'));
    await expect(groupSize(suite.redis, 'chat_exact')).resolves.toBe(2);
    await Promise.all([live.close(), other.close()]);
  }, 60_000);
});

/** Members of `group` in Redis, as channels_redis keeps them. */
async function groupSize(redis: RedisServer, group: string): Promise<number> {
  const client = new Redis(redis.url);
  try {
    return await client.zcard(`asgi:group:${group}`);
  } finally {
    client.disconnect();
  }
}

/**
 * A send still in flight when the layer cuts a hung connection (an older
 * send's deadline passed) may yet run when Redis wakes, until its own
 * deadline: its sender must not hear "unavailable" before then.
 */
describe('Sends in flight at a cut, CHANNEL_LAYER=redis-pubsub (e2e)', () => {
  const suite = useAppWithRedis('redis-pubsub', {}, true);

  // A publish waits for this process's subscriptions in flight (so that a
  // reply cannot outrun the subscription that receives it); that wait
  // counts in its 5 s. Redis hangs a second longer than the subscription's
  // own 5 s: a send issued with it must have failed by then.
  it('should fail a send 5 s after it was issued, its wait behind a subscription in flight included', async () => {
    const layer = suite.app.app.get(ChannelLayer);
    const channel = await layer.newChannel();
    const newcomer = await layer.newChannel();
    await layer.groupAdd('behind', channel);
    suite.redis.freeze();
    const subscribing = layer.groupAdd('joined-in-the-hang', newcomer);
    const sent = layer.groupSend('behind', { type: 'held' });
    await expect(subscribing).rejects.toThrow(ChannelLayerUnavailableError);
    await delay(HANG_AFTER_SUBSCRIPTION_MS); // the scenario, not a wait for an event
    suite.redis.thaw();
    await expect(sent).rejects.toThrow(ChannelLayerUnavailableError);
    await sendAfterThaw(layer, 'behind');
    await expect(layer.receive(channel)).resolves.toEqual({ type: 'after' });
  }, 60_000);

  it('should deliver no message after its sender was told it failed', async () => {
    const layer = suite.app.app.get(ChannelLayer);
    const channel = await layer.newChannel();
    await layer.groupAdd('cut', channel);
    await expectNoDeliveryAfterRefusal(
      layer,
      layer,
      channel,
      'cut',
      suite.redis,
    );
  }, 60_000);
});
