import { setImmediate } from 'node:timers/promises';
import { createChannelLayer, type ChannelLayer } from '../../src/channel-layer';
import { expectHungGroupSendsRefused } from '../helpers/hung-group-sends';
import { expectNoDeliveryAfterRefusal } from '../helpers/late-delivery';
import { pollUntil } from '../helpers/poll-until';
import { useRedisCluster } from '../helpers/use-redis-cluster';

/** The layers' prefix: a group's pub/sub channel is `hang__group__<group>`. */
const PREFIX = 'hang';

/** Sends kept in flight at once to the healthy master's room while the other hangs. */
const HEALTHY_WINDOW = 20;

/**
 * A Cluster master that hangs (SIGSTOP) under `redis-pubsub`: publishes to
 * its slots are held up to the bound and all fail, none of them is
 * delivered when it wakes (each is a deadline script, as on a standalone
 * server), and a room on another master goes on as if nothing happened:
 * only the hung master's connection is cut. The other masters keep serving
 * while one is down (`cluster-require-full-coverage no`; with replicas, a
 * failover would follow after `cluster-node-timeout`).
 */
describe('Publishes while a Redis Cluster master hangs, CHANNEL_LAYER=redis-pubsub (e2e)', () => {
  const setup = useRedisCluster(3, 0, [
    '--cluster-require-full-coverage',
    'no',
  ]);
  let sender: ChannelLayer;
  let receiver: ChannelLayer;

  const layer = (): ChannelLayer =>
    createChannelLayer({
      backend: 'redis-pubsub',
      mode: 'cluster',
      hosts: setup.cluster.urls,
      prefix: PREFIX,
    });

  beforeEach(() => {
    [sender, receiver] = [layer(), layer()];
  });
  afterEach(async () => {
    await Promise.all([sender.close(), receiver.close()]);
  });

  /** A group whose pub/sub channel is on another master than `port`'s. */
  async function groupAwayFrom(port: number): Promise<string> {
    for (let n = 0; ; n++) {
      const group = `healthy-${n}`;
      if (
        (await setup.cluster.masterOf(`${PREFIX}__group__${group}`)) !== port
      ) {
        return group;
      }
    }
  }

  it('should hold at most a bounded number of publishes to the hung master, fail them all and deliver none later, while a room on another master gets each of its messages once, in order', async () => {
    const channel = await receiver.newChannel();
    await receiver.groupAdd('bounded', channel);
    const port = await setup.cluster.masterOf(`${PREFIX}__group__bounded`);
    const healthy = await groupAwayFrom(port);
    const healthyChannel = await receiver.newChannel();
    await receiver.groupAdd(healthy, healthyChannel);
    const master = setup.cluster.server(port);
    // The sender's connections to both masters are up before one hangs.
    await sender.groupSend('bounded', { type: 'before' });
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
    master.freeze();
    let hangOver = false;
    const hung = expectHungGroupSendsRefused(sender, 'bounded').finally(
      () => (hangOver = true),
    );
    // The turn that made the burst filled the bound on publishes waiting to
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
    // Held publishes that Redis ran when it woke would arrive before this one.
    await pollUntil('a publish after the thaw', () =>
      sender.groupSend('bounded', { type: 'after' }).then(
        () => true,
        () => undefined,
      ),
    );
    await expect(receiver.receive(channel)).resolves.toEqual({
      type: 'after',
    });
  }, 90_000);

  it('should deliver no message after its sender was told it failed, across a cut of the hung master', async () => {
    const channel = await receiver.newChannel();
    await receiver.groupAdd('cut', channel);
    const master = setup.cluster.server(
      await setup.cluster.masterOf(`${PREFIX}__group__cut`),
    );
    await expectNoDeliveryAfterRefusal(
      sender,
      receiver,
      channel,
      'cut',
      master,
    );
  }, 90_000);
});
