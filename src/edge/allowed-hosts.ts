/** Django's `host_validation_re`: a lowercase name or a bracketed IPv6, then a port. */
const HOST = /^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::(\d+))?$/;

/** Django's development default for `ALLOWED_HOSTS`. */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = [
  'localhost',
  '127.0.0.1',
  '[::1]',
];

/**
 * The domain of a `Host` header value without its port and trailing dot, as
 * Django's `split_domain_port`; `undefined` for a value that is not a host.
 */
export function hostDomain(host: string): string | undefined {
  const match = HOST.exec(host.toLowerCase());
  return match ? match[1].replace(/\.$/, '') : undefined;
}

/** Django's `is_same_domain`: `.example.com` also matches its subdomains. */
function matches(domain: string, pattern: string): boolean {
  return pattern.startsWith('.')
    ? domain === pattern.slice(1) || domain.endsWith(pattern)
    : domain === pattern;
}

/**
 * Whether a request's `Host` header is one this application serves, as
 * Django's `ALLOWED_HOSTS` decides (`*` for any, `.example.com` for a domain
 * and its subdomains, a port never matters). Without a `Host` header (HTTP/1.0:
 * a balancer's health check) the request is served: every browser sends one,
 * so DNS rebinding cannot leave it out.
 */
export function isHostAllowed(
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (host === undefined) {
    return true;
  }
  const domain = hostDomain(host);
  return (
    domain !== undefined &&
    domain !== '' &&
    allowed.some(
      (pattern) => pattern === '*' || matches(domain, pattern.toLowerCase()),
    )
  );
}
