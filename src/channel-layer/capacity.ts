/**
 * Translates a shell-style glob into an anchored RegExp with Python `fnmatch`
 * semantics, which Channels uses for `channel_capacity` patterns: `*` also
 * crosses `.` and `!`, `?` is one character, `[...]`/`[!...]` are sets. Path
 * glob libraries treat `.` and `/` specially, so they would match differently.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*') {
      source += '.*';
    } else if (char === '?') {
      source += '.';
    } else if (char === '[' && pattern.indexOf(']', i + 2) !== -1) {
      const end = pattern.indexOf(']', i + 2);
      const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
      source += body.startsWith('!') ? `[^${body.slice(1)}]` : `[${body}]`;
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
