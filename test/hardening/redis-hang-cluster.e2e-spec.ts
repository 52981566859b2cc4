import { createChannelLayer, type ChannelLayer } from '../../src/channel-layer';
import { expectHungGroupSendsRefused } from '../helpers/hung-group-sends';
import { pollUntil } from '../helpers/poll-until';
import { useRedisCluster } from '../helpers/use-redis-cluster';

/** How long one try of a receive after the thaw may wait before the send is made again. */
const RECEIVE_TRY_MS = 2_000;

/**
 * A Cluster master that hangs (SIGSTOP) under `redis-pubsub`: publishes to
 * its slots are held up to the bound and all fail, and none of them is
 * delivered when it wakes (the sharded publish is a deadline script, as on a
 * standalone server).
 */
describe('Bounds while a Redis Cluster master hangs, CHANNEL_LAYER=redis-pubsub (e2e)', () => {
  const setup = useRedisCluster(3);

  const layer = (): ChannelLayer =>
    createChannelLayer({
      backend: 'redis-pubsub',
      mode: 'cluster',
      hosts: setup.cluster.urls,
      prefix: 'hang',
    });

  it('should hold at most a bounded number of publishes, fail every one of them, and deliver none later', async () => {
    const [sender, receiver] = [layer(), layer()];
    try {
      const channel = await receiver.newChannel();
      await receiver.groupAdd('bounded', channel);
      const master = setup.cluster.server(
        await setup.cluster.masterOf('hang__group__bounded'),
      );
      master.freeze();
      await expectHungGroupSendsRefused(sender, 'bounded');

      master.thaw();
      // The node's scripts held in its socket buffer run first when it wakes,
      // so a held message, were it delivered, would come before this one.
      const first = await pollUntil('a publish after the thaw', async () => {
        await sender.groupSend('bounded', { type: 'after' });
        return receiver
          .receive(channel, { signal: AbortSignal.timeout(RECEIVE_TRY_MS) })
          .catch(() => undefined);
      });
      expect(first).toEqual({ type: 'after' });
    } finally {
      await Promise.all([sender.close(), receiver.close()]);
    }
  }, 90_000);
});
