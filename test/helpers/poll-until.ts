import { setTimeout as delay } from 'node:timers/promises';

/** How often a state is asked again while `pollUntil` waits. */
const POLL_MS = 50;

/**
 * Asks `probe` again and again until it returns a value other than
 * `undefined` (a thrown error counts as not yet), for at most `timeoutMs`.
 * Redis, Sentinel and Cluster state (a replica in sync, a failover done, a
 * cluster's slots agreed) is a state to ask about, not an event to await;
 * the bound turns a setup that never settles into a failure naming `what`.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      last = error;
    }
    await delay(POLL_MS);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms (${String(last)})`);
}
