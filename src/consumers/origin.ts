import type { IncomingMessage } from 'node:http';

/**
 * Whether a WebSocket upgrade may proceed by its `Origin` header. Without the
 * header the client is not a browser and is allowed; with `allowed` undefined,
 * only the request's own host is (the same-origin rule of Django's
 * `AllowedHostsOriginValidator`); `*` allows any.
 */
export function isOriginAllowed(
  request: IncomingMessage,
  allowed?: readonly string[],
): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) {
    return true;
  }
  if (allowed) {
    return allowed.includes('*') || allowed.includes(origin.toLowerCase());
  }
  try {
    return new URL(origin).host === request.headers.host?.toLowerCase();
  } catch {
    return false;
  }
}
