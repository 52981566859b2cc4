import type { NextFunction, Request, Response } from 'express';
import type { EdgeGuard } from './edge-guard';
import { EDGE_REFUSALS } from './edge-guard';

/**
 * Answered whatever the `Host`: probes and scrapers address an instance by
 * its IP or service name (Docker's HEALTHCHECK, HAProxy, Kubernetes,
 * Prometheus), and these paths show nothing a rebinding page could use.
 */
const PROBE_PATHS: ReadonlySet<string> = new Set([
  '/healthz',
  '/readyz',
  '/metrics',
]);

/**
 * Refuses, with 400 as Django's `DisallowedHost` does, every HTTP request whose
 * `Host` is not in `ALLOWED_HOSTS`: a page fetched through a rebinding DNS name
 * (`Host: evil.com`) never reaches the routes, except the probes'
 * (`PROBE_PATHS`). Upgrades are checked by the WebSocket adapter's guard.
 */
export function allowedHostsMiddleware(guard: EdgeGuard) {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (
      PROBE_PATHS.has(request.path) ||
      guard.isHostAllowed(request.headers.host)
    ) {
      next();
      return;
    }
    response
      .status(EDGE_REFUSALS.host.status)
      .type('text/plain')
      .send(`${EDGE_REFUSALS.host.reason}\n`);
  };
}
