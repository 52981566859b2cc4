import { normalizeRoomName } from './room-name';

describe('normalizeRoomName', () => {
  it('should put a decomposed name in NFC', () => {
    expect(normalizeRoomName('cafe\u0301')).toBe('caf\u00e9');
    expect(normalizeRoomName('\u1112\u1161\u11ab')).toBe('한');
  });

  it.each([
    ['a zero-width space', 'lob\u200bby'],
    ['a zero-width joiner between letters', 'lob\u200dby'],
    ['a right-to-left override', 'evil\u202egnp.exe'],
    ['a bidi isolate', '\u2066lobby\u2069'],
    ['a byte order mark', '\ufefflobby'],
    ['a soft hyphen', 'lob\u00adby'],
    ['a Hangul filler', '\u3164'],
    ['an Arabic letter mark', 'lobby\u061c'],
    ['a line separator', 'a\u2028b'],
    ['a control character', 'bad\nroom'],
    ['a variation selector after a letter', 'a\ufe0f'],
  ])('should refuse a name with %s', (_what, room) => {
    expect(normalizeRoomName(room)).toBeUndefined();
  });

  it.each([
    'lobby',
    '한국어',
    'with space',
    'emoji 🎉',
    '❤️',
    '👨‍👩‍👧',
    '1️⃣',
    '👍🏽',
  ])('should keep %p as it is', (room) => {
    expect(normalizeRoomName(room)).toBe(room);
  });
});
