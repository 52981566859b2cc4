import { expectStillChatting } from '../helpers/failover-chat';
import { chatFrame } from '../helpers/history-mode';
import { readyzUntil } from '../helpers/readyz';
import { useClusterApps } from '../helpers/use-cluster-apps';
import { WsClient } from '../helpers/ws-client';
import { CHAT_ERRORS } from '../../src/chat/chat-error';

/** Messages each of the two clients sends at every step of the migration. */
const PER_STEP = 5;

describe.each(['redis', 'redis-pubsub'])(
  'Two instances on a Redis Cluster moving a room’s slot, CHANNEL_LAYER=%s (e2e)',
  (backend) => {
    // History off with redis-pubsub, whatever the pass: while the slot's
    // keys have moved but the slot has not, the history's one script (store
    // + SPUBLISH) is redirected (ASK) to the importing master, where no
    // member is subscribed yet, so every message is refused (see below).
    const env: { CHAT_HISTORY_SIZE?: string } =
      backend === 'redis-pubsub' ? { CHAT_HISTORY_SIZE: '0' } : {};
    const setup = useClusterApps(backend, 3, 0, env);

    it("should deliver every message of a chat while the room's slot moves to another master, with no client reconnecting", async () => {
      const { cluster, apps } = setup;
      const key = `${backend === 'redis' ? 'asgi:group:' : 'asgi__group__'}chat_moving`;
      const alice = await WsClient.connect(`${apps[0].ws}/ws/chat/moving/`);
      const bob = await WsClient.connect(`${apps[1].ws}/ws/chat/moving/`);
      /**
       * Both send PER_STEP messages at once; each receives all of them, its
       * own included: none is lost, none answered with an error.
       */
      const exchange = async (step: string): Promise<void> => {
        const sent: string[] = [];
        for (let n = 0; n < PER_STEP; n++) {
          for (const [name, client] of [
            ['alice', alice],
            ['bob', bob],
          ] as const) {
            const text = `${name} ${step} ${n}`;
            client.send({ message: text });
            sent.push(text);
          }
        }
        for (const client of [alice, bob]) {
          const received: unknown[] = [];
          while (received.length < sent.length) {
            received.push(await client.nextMessage());
          }
          expect(received).toEqual(
            expect.arrayContaining(
              sent.map((text) => chatFrame(text, env.CHAT_HISTORY_SIZE)),
            ),
          );
        }
      };

      await exchange('before');
      const oldPort = await cluster.masterOf(key);
      const newPort = await cluster.migrateSlotOf(key, exchange);
      expect(newPort).not.toBe(oldPort);
      await expect(cluster.masterOf(key)).resolves.toBe(newPort);
      if (backend === 'redis') {
        // The room's memberships moved with the slot.
        await expect(
          cluster.ask(newPort, (client) => client.exists(key)),
        ).resolves.toBe(1);
      } else {
        // The old owner dropped the room's subscriptions (SUNSUBSCRIBE) as
        // the slot left it; until each instance has subscribed again on the
        // new owner (ioredis rereads the slots at once), a message reaches
        // only those already there, and its sender gets an error when none
        // is. The queues of the redis layer have no such window.
        await cluster.untilShardSubscribed(newPort, key, 2);
      }
      await exchange('moved');

      await Promise.all(apps.map((app) => readyzUntil(app, 200)));
      await expectStillChatting(alice, bob);
    }, 60_000);
  },
);

describe('Two instances on a Redis Cluster moving a room’s slot, CHANNEL_LAYER=redis-pubsub, CHAT_HISTORY_SIZE=100 (e2e)', () => {
  const setup = useClusterApps('redis-pubsub', 3, 0, {
    CHAT_HISTORY_SIZE: '100',
  });

  it('should refuse a message sent while the room’s keys have moved but its slot has not, and keep it out of the history', async () => {
    const { cluster, apps } = setup;
    const key = 'asgi__group__chat_moving';
    const alice = await WsClient.connect(`${apps[0].ws}/ws/chat/moving/`);
    const bob = await WsClient.connect(`${apps[1].ws}/ws/chat/moving/`);
    alice.send({ message: 'before' });
    const before = (await bob.nextMessage()) as { id: string };
    await expect(alice.nextMessage()).resolves.toEqual(before);

    const newPort = await cluster.migrateSlotOf(key, async (step) => {
      if (step === 'keys moved') {
        // The script follows the stream to the importing master, where
        // nobody is subscribed: not even its sender's instance got it.
        alice.send({ message: 'refused' });
        await expect(alice.nextMessage()).resolves.toEqual(
          CHAT_ERRORS.layerUnavailable(),
        );
      }
    });
    await cluster.untilShardSubscribed(newPort, key, 2);

    alice.send({ message: 'after' });
    const after = { message: 'after', id: expect.any(String) };
    await expect(bob.nextMessage()).resolves.toEqual(after);
    await expect(alice.nextMessage()).resolves.toEqual(after);
    const resumed = await WsClient.connect(
      `${apps[1].ws}/ws/chat/moving/?since=${before.id}`,
    );
    await expect(resumed.nextMessage()).resolves.toEqual({ recovered: true });
    await expect(resumed.nextMessage()).resolves.toEqual(after);
    await expectStillChatting(alice, bob, resumed);
  }, 60_000);
});
