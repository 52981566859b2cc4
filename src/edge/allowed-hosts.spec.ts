import { DEFAULT_ALLOWED_HOSTS, isHostAllowed } from './allowed-hosts';

describe('isHostAllowed', () => {
  it.each([
    ['localhost:3000', true],
    ['127.0.0.1', true],
    ['[::1]:8080', true],
    ['LOCALHOST.', true],
    ['evil.com', false],
    ['localhost.evil.com', false],
    ['evil.com#@localhost', false],
    ['', false],
  ])(
    'should decide %p as Django does with the default list (%s)',
    (host, allowed) => {
      expect(isHostAllowed(host, DEFAULT_ALLOWED_HOSTS)).toBe(allowed);
    },
  );

  it('should match a leading-dot pattern to the domain and its subdomains only', () => {
    const allowed = ['.example.com'];
    expect(isHostAllowed('example.com', allowed)).toBe(true);
    expect(isHostAllowed('a.b.example.com:443', allowed)).toBe(true);
    expect(isHostAllowed('badexample.com', allowed)).toBe(false);
  });

  it('should allow any well-formed host with *, and a request without Host', () => {
    expect(isHostAllowed('anything.test', ['*'])).toBe(true);
    expect(isHostAllowed('bad host', ['*'])).toBe(false);
    expect(isHostAllowed(undefined, [])).toBe(true);
  });
});
