import { chatThroughFailover } from '../helpers/failover-chat';
import { useClusterApps } from '../helpers/use-cluster-apps';

describe.each(['redis', 'redis-pubsub'])(
  'Two instances on a Redis Cluster, CHANNEL_LAYER=%s (e2e)',
  (backend) => {
    const setup = useClusterApps(backend, 3, 1);

    it("should go on on the promoted replica when the room's master is SIGKILLed during a chat, with no client reconnecting", async () => {
      const { cluster, apps } = setup;
      const key = `${backend === 'redis' ? 'asgi:group:' : 'asgi__group__'}chat_failover`;
      let oldPort = 0;
      const figures = await chatThroughFailover(
        apps,
        'failover',
        {
          kill: async () => {
            // The replica holds the memberships when it takes over: one
            // that missed them is membership-restore's case, where a
            // message sent before every instance wrote them back misses
            // the instances that had not yet.
            await cluster.untilReplicasCaughtUp(key);
            oldPort = await cluster.killMasterOf(key);
          },
          promoted: async () => {
            await cluster.untilPromoted(key, oldPort);
          },
        },
        backend === 'redis',
      );
      process.stdout.write(
        `cluster failover, ${backend}: ${JSON.stringify(figures)}\n`,
      );
    }, 60_000);
  },
);
