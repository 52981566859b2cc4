import {
  ChannelLayerUnavailableError,
  type ChannelLayer,
} from '../../src/channel-layer';

/** Messages a Redis connection holds in flight at most (the layer's documented bound). */
export const MAX_IN_FLIGHT = 10_000;

/**
 * Makes more group sends to `group` than a connection may hold while its
 * Redis hangs, and checks what the layer promises for them: every one fails
 * with `ChannelLayerUnavailableError`, and all past the bound fail at once
 * ("not keeping up") rather than wait.
 */
export async function expectHungGroupSendsRefused(
  layer: ChannelLayer,
  group: string,
): Promise<void> {
  const count = MAX_IN_FLIGHT + 2_000;
  const outcomes = await Promise.allSettled(
    Array.from({ length: count }, (_, n) =>
      layer.groupSend(group, { type: 'held', n }),
    ),
  );
  const reasons = outcomes.map((outcome) =>
    outcome.status === 'rejected' ? (outcome.reason as Error) : undefined,
  );
  expect(reasons.every((r) => r instanceof ChannelLayerUnavailableError)).toBe(
    true,
  );
  expect(
    reasons.filter((r) => r?.message.includes('not keeping up')).length,
  ).toBeGreaterThanOrEqual(count - MAX_IN_FLIGHT);
}
