import { setTimeout as elapse } from 'node:timers/promises';
import { useAppWithRedis } from '../helpers/use-app-with-redis';
import { WsClient } from '../helpers/ws-client';
import { chatFrame } from '../helpers/history-mode';

/** Seconds a membership lasts unless renewed, short so that the test can outlive it. */
const GROUP_EXPIRY_S = 2;

/**
 * A connection that lives longer than `GROUP_EXPIRY` (a tab left open for a
 * day) keeps hearing its room: the process renews the memberships of its
 * live connections.
 */
describe.each(['memory', 'redis', 'redis-pubsub'])(
  'A connection older than GROUP_EXPIRY, CHANNEL_LAYER=%s (e2e)',
  (backend) => {
    const suite = useAppWithRedis(backend, {
      GROUP_EXPIRY: String(GROUP_EXPIRY_S),
    });

    it('should still receive its room’s messages', async () => {
      const [alice, bob] = [
        await WsClient.connect(`${suite.app.ws}/ws/chat/long-lived/`),
        await WsClient.connect(`${suite.app.ws}/ws/chat/long-lived/`),
      ];
      // The condition under test is time itself: both memberships must
      // outlive GROUP_EXPIRY, twice over.
      await elapse(2 * GROUP_EXPIRY_S * 1000 + 500);
      alice.send({ message: 'still here?' });
      await expect(bob.nextMessage()).resolves.toEqual(
        chatFrame('still here?'),
      );
      bob.send({ message: 'yes' });
      await expect(alice.nextMessage()).resolves.toEqual(
        chatFrame('still here?'),
      );
      await expect(alice.nextMessage()).resolves.toEqual(chatFrame('yes'));
      await Promise.all([alice.close(), bob.close()]);
    });
  },
);
