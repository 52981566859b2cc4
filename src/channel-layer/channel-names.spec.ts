import {
  assertChannelName,
  assertGroupName,
  nonLocalName,
} from './channel-names';
import { InvalidChannelNameError, InvalidGroupNameError } from './errors';

describe('assertChannelName', () => {
  it.each([
    'chat',
    'a-b_c.d',
    'specific.abc!def',
    'specific.abc!',
    'x'.repeat(99),
  ])('should accept %s', (name) => {
    expect(() => assertChannelName(name)).not.toThrow();
  });

  it.each(['', 'a b', 'ümlaut', 'a!b!c', 'a/b', 'x'.repeat(100), 42, null])(
    'should refuse %p with InvalidChannelNameError',
    (name) => {
      expect(() => assertChannelName(name)).toThrow(InvalidChannelNameError);
    },
  );

  it('should name the rule in the error message', () => {
    expect(() => assertChannelName('a b')).toThrow(
      /Channel name "a b" must match .* \(< 100 chars\)/,
    );
  });
});

describe('assertGroupName', () => {
  it('should accept ASCII letters, digits, hyphens, underscores and periods', () => {
    expect(() => assertGroupName('chat_lobby-1.2')).not.toThrow();
  });

  it.each(['', 'chat!x', 'chat lobby', '채팅', 'x'.repeat(100)])(
    'should refuse %p with InvalidGroupNameError',
    (name) => {
      expect(() => assertGroupName(name)).toThrow(InvalidGroupNameError);
    },
  );
});

describe('nonLocalName', () => {
  it('should cut a process-local name after the bang', () => {
    expect(nonLocalName('specific.abc!def')).toBe('specific.abc!');
  });

  it('should leave other names whole', () => {
    expect(nonLocalName('chat')).toBe('chat');
  });
});
