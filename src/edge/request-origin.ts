import type { IncomingMessage } from 'node:http';
import type { TrustProxy } from './client-address';

/**
 * The scheme the client used: `https` on a TLS socket, or, from a trusted
 * proxy that terminated TLS, the first value of its `X-Forwarded-Proto` (as
 * Express's `req.protocol` and Django's `SECURE_PROXY_SSL_HEADER`).
 */
function requestScheme(request: IncomingMessage, trust: TrustProxy): string {
  const forwarded = request.headers['x-forwarded-proto'];
  const peer = request.socket.remoteAddress ?? '';
  if (typeof forwarded === 'string' && trust(peer, 0)) {
    return forwarded.split(',')[0].trim().toLowerCase();
  }
  return 'encrypted' in request.socket ? 'https' : 'http';
}

/** The origin a page served by this request would have (scheme, host, port), if any. */
export function requestOrigin(
  request: IncomingMessage,
  trust: TrustProxy,
): string | undefined {
  const host = request.headers.host;
  const url = `${requestScheme(request, trust)}://${host}`;
  return host !== undefined && URL.canParse(url)
    ? new URL(url).origin
    : undefined;
}

/**
 * Whether a WebSocket upgrade may proceed by its `Origin` header (`origin`).
 * Without the header the client is not a browser and is allowed; with `allowed` undefined
 * the Origin must be the request's own (scheme, host and port, as Django's
 * CSRF check compares them), so `https://`, `chrome-extension://` or another
 * port with the same host are refused; `*` allows any.
 */
export function isOriginAllowed(
  origin: string | undefined,
  request: IncomingMessage,
  allowed: readonly string[] | undefined,
  trust: TrustProxy,
): boolean {
  if (origin === undefined) {
    return true;
  }
  const lower = origin.toLowerCase();
  if (allowed) {
    return allowed.includes('*') || allowed.includes(lower);
  }
  return lower === requestOrigin(request, trust);
}
