import { expectStillChatting } from '../helpers/failover-chat';
import { chatFrame } from '../helpers/history-mode';
import { readyzUntil } from '../helpers/readyz';
import { useClusterApps } from '../helpers/use-cluster-apps';
import { WsClient } from '../helpers/ws-client';
import { CHAT_ERRORS } from '../../src/chat/chat-error';
import { createChannelLayer, type ChannelLayer } from '../../src/channel-layer';
import { sendAfterThaw } from '../helpers/send-after-thaw';
import { useRedisCluster } from '../helpers/use-redis-cluster';

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

/** Group sends made at once to each of the two rooms at every step of the move. */
const BURST = 20;

/** Group sends kept in flight at once to the room that stays while the other's target hangs. */
const STEADY_WINDOW = 10;

/** Two layers of a test, and two rooms whose keys are on one master. */
interface TwoRooms {
  readonly sender: ChannelLayer;
  readonly receiver: ChannelLayer;
  /** The receiver's channel in each room, by group: the moving one first. */
  readonly channels: Record<string, string>;
  readonly steady: string;
  /** The port of the master both rooms' keys are on. */
  readonly source: number;
}

describe.each(['redis', 'redis-pubsub'] as const)(
  'A room’s slot moving while another room on its master is busy, CHANNEL_LAYER=%s (e2e)',
  (backend) => {
    const setup = useRedisCluster(3);
    const prefix = 'mv';
    const keyOf = (group: string): string =>
      backend === 'redis'
        ? `${prefix}:group:${group}`
        : `${prefix}__group__${group}`;

    /**
     * The ids of the layers' lasting connections to the node on `port`
     * (named after the layer); not the short-lived ones ioredis opens each
     * second to reread the slot table (`…(refresher)…`).
     */
    const namedClients = async (port: number): Promise<string[]> => {
      const list = await setup.cluster.ask(port, (client) =>
        client.client('LIST'),
      );
      return [...String(list).matchAll(/^id=(\d+) .* name=(\S+)/gm)]
        .filter(([, , name]) => !name.includes('refresher'))
        .map(([, id]) => id);
    };

    /**
     * Runs `body` with a sender and a receiver, the receiver a member of
     * `moving` and of another room whose key is on the same master.
     */
    async function withTwoRooms(
      moving: string,
      body: (rooms: TwoRooms) => Promise<void>,
    ): Promise<void> {
      const { cluster } = setup;
      const source = await cluster.masterOf(keyOf(moving));
      let steady = '';
      for (let n = 0; !steady; n++) {
        if ((await cluster.masterOf(keyOf(`steady${n}`))) === source) {
          steady = `steady${n}`;
        }
      }
      const options = {
        backend,
        mode: 'cluster',
        hosts: cluster.urls,
        prefix,
      } as const;
      const sender = createChannelLayer(options);
      const receiver = createChannelLayer(options);
      try {
        const channels = {
          [moving]: await receiver.newChannel(),
          [steady]: await receiver.newChannel(),
        };
        for (const [group, channel] of Object.entries(channels)) {
          await receiver.groupAdd(group, channel);
        }
        await body({ sender, receiver, channels, steady, source });
      } finally {
        await Promise.all([sender.close(), receiver.close()]);
      }
    }

    // Commands for keys of one master share an auto-pipeline: while one
    // room's keys have moved and its slot has not, its commands are answered
    // `ASK` and the other room's in the same pipeline run. Every send of
    // both rooms must still be delivered, in call order, also when the slot
    // moves to a master the clients have no connection to yet (a scale-out).
    it.each([
      ['another master', 'moving', false],
      ['a master just added to the Cluster', 'scaling', true],
    ])(
      'should deliver every group send of both rooms at every step of the move to %s',
      async (_, moving, added) => {
        const { cluster } = setup;
        await withTwoRooms(moving, async ({ sender, receiver, channels }) => {
          const burst = async (step: string): Promise<void> => {
            const sends: Array<Promise<string | undefined>> = [];
            for (let n = 0; n < BURST; n++) {
              for (const group of Object.keys(channels)) {
                sends.push(
                  sender.groupSend(group, { type: 'm', step, n }).then(
                    () => undefined,
                    (error: unknown) => `${group} ${n}: ${String(error)}`,
                  ),
                );
              }
            }
            const refused = await Promise.all(sends);
            expect(refused.filter(Boolean)).toEqual([]);
            for (const channel of Object.values(channels)) {
              for (let n = 0; n < BURST; n++) {
                await expect(receiver.receive(channel)).resolves.toEqual({
                  type: 'm',
                  step,
                  n,
                });
              }
            }
          };
          await burst('before');
          const to = added ? await cluster.addMaster() : undefined;
          const newPort = await cluster.migrateSlotOf(keyOf(moving), burst, to);
          if (backend === 'redis-pubsub') {
            // The window the README states: until the receiver has
            // subscribed again on the slot's new master, a message there
            // reaches nobody. The sender may not have read the new slot
            // table yet: its publishes must follow it.
            await cluster.untilShardSubscribed(newPort, keyOf(moving), 1);
          }
          await burst('moved');
        });
      },
      60_000,
    );

    // With `redis`, a command redirected to the master a slot moves to is
    // on that master's connection, while the gate of the slot's old master
    // counts it: when the new master hangs, the command must fail before
    // that gate's deadline cuts the old master, whose other rooms go on,
    // each message delivered once. (`redis-pubsub` publishes to a slot
    // being migrated on its old master, which still serves it.)
    if (backend === 'redis') {
      it('should fail the sends redirected to a new master that hangs, and deliver none, while the other room on the old master gets each of its messages once, in order', async () => {
        const { cluster } = setup;
        const moving = 'hanging';
        await withTwoRooms(
          moving,
          async ({ sender, receiver, channels, steady, source }) => {
            await sender.groupSend(moving, { type: 'before' });
            await expect(receiver.receive(channels[moving])).resolves.toEqual({
              type: 'before',
            });
            const received = (async () => {
              const messages: unknown[] = [];
              for (;;) {
                const message = await receiver.receive(channels[steady]);
                if (message.type === 'last') {
                  return messages;
                }
                messages.push(message);
              }
            })();
            const to = await cluster.addMaster();
            await cluster.migrateSlotOf(
              keyOf(moving),
              async (step) => {
                if (step !== 'keys moved') {
                  return;
                }
                const connected = await namedClients(source);
                const target = cluster.server(to);
                target.freeze();
                let hangOver = false;
                const hung = Promise.allSettled(
                  Array.from({ length: BURST }, (_, n) =>
                    sender.groupSend(moving, { type: 'hung', n }),
                  ),
                ).finally(() => (hangOver = true));
                let sent = 0;
                await Promise.all(
                  Array.from({ length: STEADY_WINDOW }, async () => {
                    while (!hangOver) {
                      await sender.groupSend(steady, {
                        type: 'steady',
                        n: sent++,
                      });
                    }
                  }),
                );
                expect((await hung).map(({ status }) => status)).toEqual(
                  Array.from({ length: BURST }, () => 'rejected'),
                );
                // No connection to the old master was cut.
                expect(await namedClients(source)).toEqual(
                  expect.arrayContaining(connected),
                );
                await sender.groupSend(steady, { type: 'last' });
                expect(await received).toEqual(
                  Array.from({ length: sent }, (_, n) => ({
                    type: 'steady',
                    n,
                  })),
                );
                target.thaw();
              },
              to,
            );
            await cluster.untilAllHealthy();
            // Sends that the woken master ran would arrive before this one.
            await sendAfterThaw(sender, moving);
            await expect(receiver.receive(channels[moving])).resolves.toEqual({
              type: 'after',
            });
          },
        );
      }, 90_000);
    }
  },
);
