import type { IncomingHttpHeaders } from 'node:http';
import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';

/** Decides whether the hop at `address` is a proxy of ours (`proxy-addr`'s compiled trust). */
export type TrustProxy = (address: string, hop: number) => boolean;

/** `TRUST_PROXY` unset: no hop is a proxy, `X-Forwarded-For` is never read. */
export const TRUST_NO_PROXY: TrustProxy = () => false;

/**
 * The trust function for `TRUST_PROXY`'s addresses, subnets and names
 * (`loopback`, `linklocal`, `uniquelocal`), as Express's `trust proxy`.
 * @throws TypeError for a value that is none of these.
 */
export function compileTrustProxy(list: readonly string[]): TrustProxy {
  return proxyaddr.compile([...list]);
}

/** The values of a comma-separated header, each trimmed, in order. */
function headerList(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * The client's address: the peer of the socket, or, while that peer is a
 * trusted proxy, the address it forwarded (`X-Forwarded-For`, read from the
 * right), as Express's `req.ip` and daphne's `--proxy-headers`. A client
 * cannot pick its address by sending the header itself.
 */
export function clientAddress(
  remoteAddress: string,
  headers: IncomingHttpHeaders,
  trust: TrustProxy,
): string {
  const hops = [
    remoteAddress,
    ...headerList(headers['x-forwarded-for']).reverse(),
  ];
  let hop = 0;
  while (hop < hops.length - 1 && trust(hops[hop], hop)) {
    hop++;
  }
  return hops[hop];
}

/**
 * The key a client's rate limits are kept under: its IPv4 address, or the /64
 * network of an IPv6 one (one host is usually given a whole /64, so a single
 * address would be a fresh limit per address it picks).
 */
export function rateLimitKey(address: string): string {
  if (!ipaddr.isValid(address)) {
    return address;
  }
  const parsed = ipaddr.process(address); // an IPv4-mapped IPv6 address as IPv4
  if (parsed.kind() === 'ipv4') {
    return parsed.toString();
  }
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((part) => part.toString(16)).join(':')}::/64`;
}
