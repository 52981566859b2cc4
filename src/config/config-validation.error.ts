/** The environment is invalid; `message` has one line per bad variable. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }

  override get name(): string {
    return 'ConfigValidationError';
  }
}
