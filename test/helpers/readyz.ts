import { setTimeout as delay } from 'node:timers/promises';
import type { TestApp } from './create-app';

/** How often `/readyz` is asked, as a balancer's health check would. */
const POLL_MS = 50;

/**
 * `/readyz` polled until it answers `status` (for at most 20 s); its last
 * body. Readiness is a probe, not an event, so it is asked again and again,
 * the way a load balancer asks it.
 */
export async function readyzUntil(
  app: TestApp,
  status: number,
): Promise<unknown> {
  const deadline = Date.now() + 20_000;
  let last: unknown;
  while (Date.now() < deadline) {
    const response = await fetch(`${app.http}/readyz`);
    last = await response.json();
    if (response.status === status) {
      return last;
    }
    await delay(POLL_MS);
  }
  throw new Error(`/readyz never answered ${status}: ${JSON.stringify(last)}`);
}
