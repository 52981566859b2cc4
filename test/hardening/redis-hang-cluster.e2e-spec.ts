import { setImmediate, setTimeout as delay } from 'node:timers/promises';
import {
  ChannelLayerUnavailableError,
  createChannelLayer,
  createGroupHistory,
  type ChannelLayer,
  type ChannelLayerOptions,
} from '../../src/channel-layer';
import { expectHungGroupSendsRefused } from '../helpers/hung-group-sends';
import { expectNoDeliveryAfterRefusal } from '../helpers/late-delivery';
import { sendAfterThaw } from '../helpers/send-after-thaw';
import { useRedisCluster } from '../helpers/use-redis-cluster';

/** The layers' prefix. */
const PREFIX = 'hang';

/** Sends kept in flight at once to the healthy master's room while the other hangs. */
const HEALTHY_WINDOW = 20;

/** When a hung master answers a group send's members read, from the send. */
const READ_ANSWERED_AFTER_MS = 3_000;

/** When the hung master of that send's write wakes, from the send: past its 5 s. */
const WRITES_WAKE_AFTER_MS = 6_000;

/**
 * A Cluster master that hangs (SIGSTOP): sends that need it are held up to
 * the bound and all fail, none of them is delivered when it wakes (the
 * layers' writes are deadline scripts), and a room on other masters goes on
 * as if nothing happened: each master has its own deadlines, bounds and
 * connection, and ioredis sends nothing twice. The other masters keep
 * serving while one is down (`cluster-require-full-coverage no`; with
 * replicas, a failover would follow after `cluster-node-timeout`).
 */
describe.each(['redis', 'redis-pubsub'] as const)(
  'Sends while a Redis Cluster master hangs, CHANNEL_LAYER=%s (e2e)',
  (backend) => {
    const setup = useRedisCluster(3, 0, [
      '--cluster-require-full-coverage',
      'no',
    ]);
    let sender: ChannelLayer;
    let receiver: ChannelLayer;

    const options = (): ChannelLayerOptions => ({
      backend,
      mode: 'cluster',
      hosts: setup.cluster.urls,
      prefix: PREFIX,
    });

    beforeEach(async () => {
      // The other masters may still mark the one the last test froze as failed.
      await setup.cluster.untilAllHealthy();
      [sender, receiver] = Array.from({ length: 2 }, () =>
        createChannelLayer(options()),
      );
    });
    afterEach(async () => {
      await Promise.all([sender.close(), receiver.close()]);
    });

    /** The key that holds a group (its members, or its pub/sub channel). */
    const groupKey = (group: string): string =>
      backend === 'redis'
        ? `${PREFIX}:group:${group}`
        : `${PREFIX}__group__${group}`;

    /** With `redis`, the master of the key of `channel`'s process's channels. */
    const processMasterOf = (channel: string): Promise<number> =>
      // channels_redis keys a process's channels by the name up to its '!'.
      setup.cluster.masterOf(
        PREFIX + channel.slice(0, channel.indexOf('!') + 1),
      );

    /**
     * A master to freeze that holds none of `receiver`'s own keys (with
     * `redis`, the key of its process's channels), so that only the groups
     * on it are cut off.
     */
    async function masterToFreeze(channel: string): Promise<number> {
      const own =
        backend === 'redis' ? await processMasterOf(channel) : undefined;
      const [port] = (await setup.cluster.masterPorts()).filter(
        (candidate) => candidate !== own,
      );
      return port;
    }

    /** The first group named `stem-N` whose key is (or is not) on `port`. */
    async function groupOn(
      stem: string,
      port: number,
      on: boolean,
    ): Promise<string> {
      for (let n = 0; ; n++) {
        const group = `${stem}-${n}`;
        if (((await setup.cluster.masterOf(groupKey(group))) === port) === on) {
          return group;
        }
      }
    }

    it('should hold at most a bounded number of sends to the hung master, fail them all and deliver none later, while a room on another master gets each of its messages once, in order', async () => {
      const channel = await receiver.newChannel();
      const healthyChannel = await receiver.newChannel();
      const port = await masterToFreeze(channel);
      const bounded = await groupOn('bounded', port, true);
      const healthy = await groupOn('healthy', port, false);
      await receiver.groupAdd(bounded, channel);
      await receiver.groupAdd(healthy, healthyChannel);
      // The sender's connections to the masters are up before one hangs.
      await sender.groupSend(bounded, { type: 'before' });
      await sender.groupSend(healthy, { type: 'before' });
      await expect(receiver.receive(channel)).resolves.toEqual({
        type: 'before',
      });
      await expect(receiver.receive(healthyChannel)).resolves.toEqual({
        type: 'before',
      });

      const received = (async () => {
        const messages: unknown[] = [];
        for (;;) {
          const message = await receiver.receive(healthyChannel);
          if (message.type === 'last') {
            return messages;
          }
          messages.push(message);
        }
      })();
      const master = setup.cluster.server(port);
      master.freeze();
      let hangOver = false;
      const hung = expectHungGroupSendsRefused(sender, bounded).finally(
        () => (hangOver = true),
      );
      // The turn that made the burst filled the bound on sends waiting to
      // be issued, which all masters share; from the next turn on, the
      // healthy room's sends keep a window in flight at every moment while
      // the hung master's deadlines pass and its connection is cut.
      await setImmediate();
      let sent = 0;
      const healthySends = Promise.all(
        Array.from({ length: HEALTHY_WINDOW }, async () => {
          while (!hangOver) {
            await sender.groupSend(healthy, { type: 'healthy', n: sent++ });
          }
        }),
      );
      await Promise.all([hung, healthySends]);
      await sender.groupSend(healthy, { type: 'last' });
      expect(await received).toEqual(
        Array.from({ length: sent }, (_, n) => ({ type: 'healthy', n })),
      );

      master.thaw();
      // Held sends that Redis ran when it woke would arrive before this one.
      await sendAfterThaw(sender, bounded);
      await expect(receiver.receive(channel)).resolves.toEqual({
        type: 'after',
      });
    }, 90_000);

    /**
     * `expectNoDeliveryAfterRefusal` across a cut of the master `frozen`
     * picks for a new channel of `receiver`, in a group named after `stem`
     * whose key is on that master (`onFrozen`) or not.
     */
    async function expectCutKeepsPromises(
      stem: string,
      frozen: (channel: string) => Promise<number>,
      onFrozen: boolean,
      seenAtOnce: boolean,
      through: Pick<ChannelLayer, 'groupSend'> = sender,
    ): Promise<string> {
      const channel = await receiver.newChannel();
      const port = await frozen(channel);
      const group = await groupOn(stem, port, onFrozen);
      await receiver.groupAdd(group, channel);
      await expectNoDeliveryAfterRefusal(
        through,
        receiver,
        channel,
        group,
        setup.cluster.server(port),
        seenAtOnce,
      );
      return group;
    }

    it('should deliver no message after its sender was told it failed, across a cut of the hung master', async () => {
      await expectCutKeepsPromises('cut', masterToFreeze, true, true);
    }, 90_000);

    // A room's history lives in a stream on the master of its group key (or
    // pub/sub channel): the script that stores a message (and, with
    // `redis-pubsub`, publishes it) must not run twice, as ioredis's
    // Cluster client would make it by sending again what was in flight.
    it('should store and deliver a room history’s message at most once across a cut of the master holding its history', async () => {
      const history = createGroupHistory(options(), sender, {
        size: 100,
        ttl: 3_600,
      });
      try {
        const group = await expectCutKeepsPromises(
          'history',
          masterToFreeze,
          true,
          backend === 'redis-pubsub',
          history,
        );
        const stored = (await history.last(group, 100)).map(
          ({ type, n }) => `${String(type)} ${String(n)}`,
        );
        expect(stored).toEqual([...new Set(stored)]);
      } finally {
        await history.close();
      }
    }, 90_000);

    // With `redis`, a group send writes to each member's process key on its
    // own master: the one to freeze here, while the group's key is healthy.
    if (backend === 'redis') {
      it('should write no message twice, nor lose one it accepted, when the hung master holds the receiver’s channels', async () => {
        await expectCutKeepsPromises('writes', processMasterOf, false, false);
      }, 90_000);

      // A group send is two commands on two masters here: the members read
      // on the group key's, then the write on the receiver's process key's.
      // Its 5 s count from the send: the write, issued once the read is
      // answered, is past them when its master wakes, though within 5 s of
      // its own issue. Through room history, the store (on the group key's
      // master too) comes first, and counts in the same 5 s.
      it.each(['the layer', 'room history'] as const)(
        'should fail a group send through %s 5 s after it was issued, every step included, and deliver it never',
        async (through) => {
          const history =
            through === 'room history'
              ? createGroupHistory(options(), sender, { size: 100, ttl: 3_600 })
              : undefined;
          const layer = history ?? sender;
          try {
            const channel = await receiver.newChannel();
            const writesPort = await processMasterOf(channel);
            const group = await groupOn('two-steps', writesPort, false);
            await receiver.groupAdd(group, channel);
            await layer.groupSend(group, { type: 'before' });
            await expect(receiver.receive(channel)).resolves.toMatchObject({
              type: 'before',
            });
            const reads = setup.cluster.server(
              await setup.cluster.masterOf(groupKey(group)),
            );
            const writes = setup.cluster.server(writesPort);
            reads.freeze();
            writes.freeze();
            const sent = layer.groupSend(group, { type: 'late' });
            // The scenario, not waits for events: the first step is answered
            // after 3 s, the write's master wakes 6 s after the send.
            await delay(READ_ANSWERED_AFTER_MS);
            reads.thaw();
            await delay(WRITES_WAKE_AFTER_MS - READ_ANSWERED_AFTER_MS);
            writes.thaw();
            await expect(sent).rejects.toThrow(ChannelLayerUnavailableError);
            await sendAfterThaw(layer, group);
            await expect(receiver.receive(channel)).resolves.toMatchObject({
              type: 'after',
            });
          } finally {
            await history?.close();
          }
        },
        90_000,
      );
    }
  },
);
