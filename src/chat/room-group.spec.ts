import { assertGroupName } from '../channel-layer';
import { roomGroup } from './room-group';

describe('roomGroup', () => {
  it('should map an ASCII room to chat_<room>, as the tutorial does', () => {
    expect(roomGroup('lobby')).toBe('chat_lobby');
    expect(roomGroup('a-b_c.1')).toBe('chat_a-b_c.1');
  });

  it('should map a Korean room to the base64url of its UTF-8 bytes', () => {
    // Python: 'chat-u.' + base64.urlsafe_b64encode('한국어'.encode()).decode().rstrip('=')
    expect(roomGroup('한국어')).toBe('chat-u.7ZWc6rWt7Ja0');
  });

  it.each(['한국어', 'with space', 'emoji 🎉', 'sl/ash', '?&=', 'ÄÖÜ'])(
    'should give %p a valid, distinct group name',
    (room) => {
      const group = roomGroup(room);
      expect(() => assertGroupName(group)).not.toThrow();
      expect(group).not.toBe(roomGroup(`${room}x`));
    },
  );

  it('should be deterministic', () => {
    expect(roomGroup('채팅방')).toBe(roomGroup('채팅방'));
  });

  it.each(['', 'bad\nroom', 'nul\u0000', 'x'.repeat(95), '한'.repeat(40)])(
    'should refuse %p',
    (room) => {
      expect(roomGroup(room)).toBeUndefined();
    },
  );

  it('should give the NFC and NFD spellings of a room one group', () => {
    // Python: 'chat-u.' + base64.urlsafe_b64encode('café'.encode()).decode().rstrip('=')
    expect(roomGroup('caf\u00e9')).toBe('chat-u.Y2Fmw6k');
    expect(roomGroup('cafe\u0301')).toBe('chat-u.Y2Fmw6k');
  });

  it.each([
    ['zero-width space', 'lob\u200bby'],
    ['right-to-left override', 'evil\u202eroom'],
    ['bidi isolate', '\u2066x\u2069'],
    ['byte order mark', '\ufeff'],
  ])('should refuse a lookalike room with a %s', (_what, room) => {
    expect(roomGroup(room)).toBeUndefined();
  });

  it('should accept the longest ASCII room that fits', () => {
    expect(roomGroup('x'.repeat(94))).toHaveLength(99);
  });
});
