import {
  ChannelLayerUnavailableError,
  type ChannelLayer,
} from '../../src/channel-layer';

/** Messages a Redis connection holds in flight at most (the layer's documented bound). */
const MAX_IN_FLIGHT = 10_000;

/**
 * Group sends a process holds at most while its Redis hangs: those in
 * flight, as many again waiting to be issued (README, "Bounded"), and the
 * event-loop turn's first send, which opens its batch.
 */
const HELD_AT_MOST = 2 * MAX_IN_FLIGHT + 1;

/** Sends made past what the process may hold. */
const EXCESS = 2_000;

/**
 * Makes more group sends to `group` than a process may hold while its Redis
 * hangs, all in one event-loop turn, and checks what the layer promises for
 * them: every one fails with `ChannelLayerUnavailableError`, and those past
 * the bounds fail at once ("not keeping up") rather than wait.
 */
export async function expectHungGroupSendsRefused(
  layer: ChannelLayer,
  group: string,
): Promise<void> {
  const count = HELD_AT_MOST + EXCESS;
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
  ).toBeGreaterThanOrEqual(EXCESS);
}
