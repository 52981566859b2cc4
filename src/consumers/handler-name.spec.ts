import { handlerKey } from './handler-name';

describe('handlerKey', () => {
  it('should give chat.message and chat_message the same key', () => {
    expect(handlerKey('chat.message')).toBe('chat_message');
    expect(handlerKey('chat_message')).toBe('chat_message');
  });

  it('should replace every period', () => {
    expect(handlerKey('a.b.c')).toBe('a_b_c');
  });

  it.each(['', '_private', '.hidden', 42, undefined])(
    'should refuse %p',
    (type) => {
      expect(handlerKey(type)).toBeUndefined();
    },
  );
});
