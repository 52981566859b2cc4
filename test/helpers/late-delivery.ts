import { setTimeout as delay } from 'node:timers/promises';
import type { ChannelLayer } from '../../src/channel-layer';
import { sendAfterThaw } from './send-after-thaw';

/**
 * How long into a hang the second send is issued: long enough that, when the
 * first send's deadline passes and the layer cuts the connection, the
 * second's own deadline (which Redis checks when it runs its script) is still
 * ahead, so a Redis that wakes right away can run it.
 */
const SECOND_SEND_AFTER_MS = 2_000;

/**
 * Checks "never answered and then delivered" across a cut: `group` (which
 * `channel` of `receiver` is in) gets a send once Redis is frozen and a
 * second one 2 s later; once the first has failed (its deadline passed and
 * the layer cut the connection, with the second still in flight) Redis is
 * thawed at once. Each send must be delivered once if it was accepted and
 * at most once if it was refused, and, where a delivery is seen as Redis
 * makes it (`seenAtOnce`: pub/sub, not a queue that a reader pops later),
 * not after its sender was told it failed. `sender` may be a room history,
 * which adds an id to each message.
 */
export async function expectNoDeliveryAfterRefusal(
  sender: Pick<ChannelLayer, 'groupSend'>,
  receiver: ChannelLayer,
  channel: string,
  group: string,
  redis: { freeze(): void; thaw(): void },
  seenAtOnce = true,
): Promise<void> {
  // Both layers connected to the node before it hangs.
  await sender.groupSend(group, { type: 'warm-up' });
  await expect(receiver.receive(channel)).resolves.toMatchObject({
    type: 'warm-up',
  });
  const events: string[] = [];
  const received = (async () => {
    for (;;) {
      const message = await receiver.receive(channel);
      if (message.type === 'after') {
        return;
      }
      events.push(`delivered ${String(message.n)}`);
    }
  })();
  const send = (n: number): Promise<void> =>
    sender.groupSend(group, { type: 'held', n }).then(
      () => void events.push(`accepted ${n}`),
      () => void events.push(`refused ${n}`),
    );
  redis.freeze();
  const first = send(0);
  await delay(SECOND_SEND_AFTER_MS); // the scenario itself, not a wait for an event
  let secondSettled = false;
  const second = send(1).finally(() => (secondSettled = true));
  await first;
  // The cut that failed the first send left the second in flight: what it
  // is told, and when, is what this checks.
  expect(secondSettled).toBe(false);
  redis.thaw();
  await second;
  await sendAfterThaw(sender, group);
  await received;

  expect(events).toContain('refused 0');
  for (const n of [0, 1]) {
    const deliveries = events.filter((event) => event === `delivered ${n}`);
    const refusal = events.indexOf(`refused ${n}`);
    // Accepted: delivered once; refused: at most once, and before the refusal.
    expect({ n, deliveries: deliveries.length }).toEqual({
      n,
      deliveries: refusal < 0 ? 1 : Math.min(deliveries.length, 1),
    });
    if (seenAtOnce && refusal >= 0 && deliveries.length > 0) {
      expect(events.indexOf(`delivered ${n}`)).toBeLessThan(refusal);
    }
  }
}
