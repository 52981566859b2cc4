let lastMicros = 0;
/** Read once: its getter calls into Node's C++ each time. */
const TIME_ORIGIN = performance.timeOrigin;

/**
 * The score of a message or membership: Unix seconds with microseconds, as
 * channels_redis scores with `time.time()`, but strictly increasing within
 * this process, so that messages sent one after another keep their order in
 * a sorted set even within the same microsecond (equal scores would order
 * them by their random prefix). Kept in integer microseconds: exact.
 */
export function nextScore(): string {
  const nowMicros = Math.round((TIME_ORIGIN + performance.now()) * 1000);
  lastMicros = Math.max(nowMicros, lastMicros + 1);
  const seconds = Math.floor(lastMicros / 1_000_000);
  const micros = lastMicros % 1_000_000;
  return `${seconds}.${String(micros).padStart(6, '0')}`;
}
