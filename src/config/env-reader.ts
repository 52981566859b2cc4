type Env = Record<string, unknown>;

/**
 * Reads typed values from the environment and collects one line per bad
 * variable, so a start with several mistakes reports them all at once.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** The trimmed value, or `undefined` when unset or empty. */
  raw(name: string): string | undefined {
    const value = this.env[name];
    if (typeof value !== 'string') {
      return undefined;
    }
    const text = value.trim();
    return text === '' ? undefined : text;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const text = this.raw(name);
    if (text === undefined) {
      return fallback;
    }
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) {
      this.problems.push(
        `${name}=${JSON.stringify(text)}: must be an integer from ${min} to ${max}`,
      );
      return fallback;
    }
    return value;
  }

  /** `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`). */
  boolean(name: string, fallback: boolean): boolean {
    const text = this.raw(name);
    if (text === undefined) {
      return fallback;
    }
    if (['true', '1', 'yes', 'on'].includes(text.toLowerCase())) {
      return true;
    }
    if (['false', '0', 'no', 'off'].includes(text.toLowerCase())) {
      return false;
    }
    this.problems.push(
      `${name}=${JSON.stringify(text)}: must be true or false`,
    );
    return fallback;
  }

  oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const text = this.raw(name);
    if (text === undefined) {
      return fallback;
    }
    if (!(choices as readonly string[]).includes(text)) {
      this.problems.push(
        `${name}=${JSON.stringify(text)}: must be one of ${choices.join(', ')}`,
      );
      return fallback;
    }
    return text as T;
  }

  /** Comma-separated values, each checked by `valid` (which describes what it accepts). */
  list(
    name: string,
    valid: { test(item: string): boolean; accepts: string },
  ): string[] | undefined {
    const text = this.raw(name);
    if (text === undefined) {
      return undefined;
    }
    const items = text.split(',').map((item) => item.trim());
    const bad = items.filter((item) => !valid.test(item));
    if (bad.length > 0) {
      this.problems.push(
        `${name}=${JSON.stringify(text)}: ${bad.map((item) => JSON.stringify(item)).join(', ')} ` +
          `invalid; must be a comma-separated list of ${valid.accepts}`,
      );
      return undefined;
    }
    return items;
  }

  /** Records a problem found by a rule across variables. */
  problem(line: string): void {
    this.problems.push(line);
  }
}
