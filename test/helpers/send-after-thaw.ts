import type { ChannelLayer } from '../../src/channel-layer';
import { pollUntil } from './poll-until';

/**
 * Resolves once a group send of `{ type: 'after' }` to `group` through
 * `sender` is accepted again: Redis is back after a hang, and the sends it
 * ran when it woke, if any, went before this one.
 */
export async function sendAfterThaw(
  sender: Pick<ChannelLayer, 'groupSend'>,
  group: string,
): Promise<void> {
  await pollUntil('a send after the thaw', () =>
    sender.groupSend(group, { type: 'after' }).then(() => true),
  );
}
