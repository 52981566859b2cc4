/**
 * How a worker paces a step's sends.
 * - `ticks` (the ramp): wakes every 5 ms, sends what is due, stamps each
 *   message with the time it was sent. Cheap at 100,000 msg/s.
 * - `fixed` (fixed-load runs): wakes at each message's scheduled time and
 *   stamps it with that time, so a late send (a busy generator or a target
 *   whose backpressure slowed it) counts as latency instead of shifting the
 *   schedule: no coordinated omission.
 */
export type SendSchedule = 'ticks' | 'fixed';

/** Wake-up period of the `ticks` schedule, ms. */
const TICK_MS = 5;

/** Read once: its getter calls into Node's C++ each time. */
const TIME_ORIGIN = performance.timeOrigin;

/** Epoch milliseconds, to sub-millisecond precision. */
export const epochNow = (): number => TIME_ORIGIN + performance.now();

/**
 * Calls `send(index, stamp)` for `rate × durationMs / 1000` messages, message
 * `index` due at `start + index / rate` (times from the start, never from the
 * previous send). Resolves with the number sent.
 */
export function sendOnSchedule(
  schedule: SendSchedule,
  rate: number,
  durationMs: number,
  send: (index: number, stampMs: number) => void,
): Promise<number> {
  const total = rate > 0 ? Math.round((rate * durationMs) / 1000) : 0;
  const intervalMs = 1000 / rate;
  const start = performance.now();
  let sent = 0;
  return new Promise((resolve) => {
    const wake = (): void => {
      const elapsed = performance.now() - start;
      for (; sent < total && sent * intervalMs <= elapsed; sent++) {
        const stamp =
          schedule === 'fixed'
            ? TIME_ORIGIN + start + sent * intervalMs
            : epochNow();
        send(sent, stamp);
      }
      if (sent >= total) {
        resolve(sent);
        return;
      }
      const untilNext = sent * intervalMs - (performance.now() - start);
      setTimeout(wake, schedule === 'fixed' ? Math.max(0, untilNext) : TICK_MS);
    };
    wake();
  });
}
