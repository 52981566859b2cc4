/**
 * What a room name may not hold: control characters, lone surrogates, line and
 * paragraph separators, and characters that show nothing or reorder the text
 * around them (zero-width spaces and joiners, U+202E and the other bidi
 * controls, soft hyphens, fillers): with them two different names look the
 * same on screen.
 */
const INVISIBLE =
  /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Bidi_Control}]/u;

/**
 * The invisible characters that emoji are written with and a room may keep:
 * the emoji-style selector after a pictograph or a keycap digit, and the
 * joiner between two pictographs (👨‍👩‍👧).
 */
const EMOJI_JOINERS =
  /(?<=\p{Extended_Pictographic})\uFE0F|(?<=[#*0-9])\uFE0F(?=\u20E3)|(?<=\p{Extended_Pictographic}\uFE0F?\p{Emoji_Modifier}?)\u200D(?=\p{Extended_Pictographic})/gu;

/**
 * The canonical form of a room name, or `undefined` for a name that could
 * pass for another: names are compared in Unicode NFC (so `é` typed as one
 * code point or as `e` + U+0301 is one room), and a name with invisible or
 * bidi-control characters (see `INVISIBLE`) is refused.
 */
export function normalizeRoomName(room: string): string | undefined {
  const name = room.normalize('NFC');
  return INVISIBLE.test(name.replace(EMOJI_JOINERS, '')) ? undefined : name;
}
