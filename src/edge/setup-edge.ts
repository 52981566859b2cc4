import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { AppConfig } from '../config/app.config';
import { allowedHostsMiddleware } from './allowed-hosts.middleware';
import { EdgeGuard } from './edge-guard';
import { limitPendingSockets } from './pending-sockets';

/**
 * The HTTP side of the edge (README: Security): `ALLOWED_HOSTS` on every
 * request, helmet's headers (a CSP that allows this origin's scripts, styles
 * and WebSocket only, `nosniff`, frames refused), no `X-Powered-By`, Express's
 * `req.ip` trusting the proxies of `TRUST_PROXY`, and the bound on connections
 * still sending their headers. Before the routes and static files, so it
 * covers them all.
 */
export function setupEdge(
  app: NestExpressApplication,
  config: AppConfig,
): EdgeGuard {
  const guard = app.get(EdgeGuard);
  app.disable('x-powered-by');
  app.set('trust proxy', guard.trustProxy);
  app.use(allowedHostsMiddleware(guard));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'frame-ancestors': ["'none'"],
          'style-src': ["'self'"],
          // Plain-HTTP deployments (localhost, a TLS-less test) must keep ws://.
          'upgrade-insecure-requests': null,
        },
      },
      frameguard: { action: 'deny' },
    }),
  );
  limitPendingSockets(app.getHttpServer(), {
    headersTimeoutMs: config.httpHeadersTimeoutMs,
    maxPending: config.httpMaxPendingSockets,
  });
  return guard;
}
