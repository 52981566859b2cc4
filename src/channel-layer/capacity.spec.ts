import { CapacityRules, globToRegExp } from './capacity';

describe('globToRegExp', () => {
  it.each([
    ['http.request', 'http.request', true],
    ['http.*', 'http.response!abc', true],
    ['http.*', 'https.x', false],
    ['chat?', 'chat1', true],
    ['chat?', 'chat12', false],
    ['[ab]x', 'bx', true],
    ['[!ab]x', 'bx', false],
    ['[!ab]x', 'cx', true],
    ['a.b', 'axb', false],
    // Python's fnmatch (channels_redis's side): `^` is a member, not a negation
    ['[^ab]x', 'cx', false],
    ['[^ab]x', '^x', true],
    ['[^ab]x', 'ax', true],
    ['[]a]x', ']x', true],
    ['[!]a]x', ']x', false],
    ['[!]a]x', 'bx', true],
    ['[z-a]x', 'zx', false],
    ['[!]x', '[!]x', true],
    ['[a-c-e]', '-', true],
    ['[a-c-e]', 'd', false],
    ['[\\]', '\\', true],
    ['a[b', 'a[b', true],
    ['[!a-c]', 'b', false],
    ['[!a-c]', 'd', true],
  ])(
    'should match %s against %s as fnmatch does (%s)',
    (pattern, name, matches) => {
      expect(globToRegExp(pattern).test(name)).toBe(matches);
    },
  );
});

describe('CapacityRules', () => {
  const rules = new CapacityRules(100, {
    'http.request': 200,
    'http.*': 50,
    'websocket.send!*': 20,
  });

  it('should give the default to channels no pattern matches', () => {
    expect(rules.capacityOf('chat')).toBe(100);
  });

  it('should let the first matching pattern win', () => {
    expect(rules.capacityOf('http.request')).toBe(200);
    expect(rules.capacityOf('http.disconnect')).toBe(50);
  });

  it('should match process-local names', () => {
    expect(rules.capacityOf('websocket.send!abc')).toBe(20);
  });
});
