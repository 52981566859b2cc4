import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerSampler } from './server-sampler';

/** Window over which a target's CPU use is judged. */
const WINDOW_MS = 500;
/** Idle: all its processes together used under 5 % of one core over the window. */
const IDLE_SHARE = 0.05;

/**
 * Waits until a target's processes are idle (done with disconnects, GC,
 * backlogs) so one measurement does not pay for the previous one.
 * Resolves with the milliseconds waited; gives up after `maxMs`.
 */
export async function settle(
  sampler: ServerSampler,
  maxMs: number,
): Promise<number> {
  const started = Date.now();
  let before = await sampler.snapshot();
  while (Date.now() - started < maxMs) {
    await sleep(WINDOW_MS);
    const after = await sampler.snapshot();
    const used = after.cpuMs.reduce(
      (sum, ms, index) => sum + ms - before.cpuMs[index],
      0,
    );
    if (used < WINDOW_MS * IDLE_SHARE) {
      break;
    }
    before = after;
  }
  return Date.now() - started;
}
