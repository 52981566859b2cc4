import {
  clientAddress,
  compileTrustProxy,
  rateLimitKey,
  TRUST_NO_PROXY,
} from './client-address';

describe('clientAddress', () => {
  const headers = { 'x-forwarded-for': '198.51.100.7, 203.0.113.9' };

  it('should ignore X-Forwarded-For without a trusted proxy', () => {
    expect(clientAddress('127.0.0.1', headers, TRUST_NO_PROXY)).toBe(
      '127.0.0.1',
    );
  });

  it('should walk X-Forwarded-For from the right while the hop is trusted', () => {
    const loopback = compileTrustProxy(['loopback']);
    expect(clientAddress('127.0.0.1', headers, loopback)).toBe('203.0.113.9');
    const both = compileTrustProxy(['loopback', '203.0.113.0/24']);
    expect(clientAddress('127.0.0.1', headers, both)).toBe('198.51.100.7');
  });
});

describe('rateLimitKey', () => {
  it('should key IPv4 by address, IPv4-mapped IPv6 as IPv4, and IPv6 by its /64', () => {
    expect(rateLimitKey('203.0.113.9')).toBe('203.0.113.9');
    expect(rateLimitKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(rateLimitKey('2001:db8:1:2:aaaa::1')).toBe(
      rateLimitKey('2001:db8:1:2::ffff'),
    );
    expect(rateLimitKey('2001:db8:1:2::1')).not.toBe(
      rateLimitKey('2001:db8:1:3::1'),
    );
  });
});
