/** Characters that mean something inside a RegExp character class. */
const CLASS_SPECIAL = /[\\\]^[-]/;

/** One set member as a RegExp class member: escaped where it would mean something. */
function classChar(char: string): string {
  return CLASS_SPECIAL.test(char) ? `\\${char}` : char;
}

/**
 * The RegExp of a glob set's body (between `[` and `]`), as Python's
 * `fnmatch.translate` reads it: `!` first negates, `^` first is a member,
 * `a-c` is a range, a reversed range (`z-a`) matches nothing, and every other
 * character, `\` included, stands for itself.
 */
function globSet(body: string): string {
  const negated = body.startsWith('!');
  const members = negated ? body.slice(1) : body;
  let source = '';
  for (let k = 0; k < members.length; k++) {
    if (members[k + 1] === '-' && k + 2 < members.length) {
      if (members[k] <= members[k + 2]) {
        source += `${classChar(members[k])}-${classChar(members[k + 2])}`;
      }
      k += 2;
    } else {
      source += classChar(members[k]);
    }
  }
  if (source === '') {
    return negated ? '.' : '(?!)';
  }
  return negated ? `[^${source}]` : `[${source}]`;
}

/** Where the set opened at `start` ends (its `]`), or -1 when it does not. */
function setEnd(pattern: string, start: number): number {
  let j = start + 1;
  if (pattern[j] === '!') {
    j++;
  }
  if (pattern[j] === ']') {
    j++; // a `]` first in the set is a member, as in Python
  }
  return pattern.indexOf(']', j);
}

/**
 * Translates a shell-style glob into an anchored RegExp with Python `fnmatch`
 * semantics, which Channels uses for `channel_capacity` patterns: `*` also
 * crosses `.` and `!`, `?` is one character, `[...]`/`[!...]` are sets (and
 * `[^...]` is a set holding `^`, not a negation). Path glob libraries treat
 * `.` and `/` specially, so they would match differently.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    const end = char === '[' ? setEnd(pattern, i) : -1;
    if (char === '*') {
      source += '.*';
    } else if (char === '?') {
      source += '.';
    } else if (end !== -1) {
      source += globSet(pattern.slice(i + 1, end));
      i = end;
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's');
}

/** Resolves the capacity of each channel: the first matching pattern wins. */
export class CapacityRules {
  private readonly rules: ReadonlyArray<readonly [RegExp, number]>;

  /**
   * @param defaultCapacity capacity of channels no pattern matches.
   * @param overrides glob pattern → capacity, in priority order.
   */
  constructor(
    private readonly defaultCapacity: number,
    overrides: Readonly<Record<string, number>> = {},
  ) {
    this.rules = Object.entries(overrides).map(
      ([pattern, capacity]) => [globToRegExp(pattern), capacity] as const,
    );
  }

  /** The capacity of every channel, when no pattern overrides it; undefined otherwise. */
  get uniform(): number | undefined {
    return this.rules.length === 0 ? this.defaultCapacity : undefined;
  }

  /** The number of messages `channel` may hold. */
  capacityOf(channel: string): number {
    for (const [pattern, capacity] of this.rules) {
      if (pattern.test(channel)) {
        return capacity;
      }
    }
    return this.defaultCapacity;
  }
}
