import { ApiTokens } from './api-tokens';

describe('ApiTokens', () => {
  const tokens = new ApiTokens(['first-token', 'second']);

  it('should match a configured bearer token, whichever it is', () => {
    expect(tokens.match('Bearer first-token')).toBe('first-token');
    expect(tokens.match('bearer second')).toBe('second');
  });

  it.each([
    ['no header', undefined],
    ['another scheme', 'Basic first-token'],
    ['a prefix of a token', 'Bearer first'],
    ['a token with more after it', 'Bearer second-x'],
    ['an empty token', 'Bearer '],
    ['two tokens', 'Bearer first-token second'],
  ])('should match nothing for %s', (_case, header) => {
    expect(tokens.match(header)).toBeUndefined();
  });
});
