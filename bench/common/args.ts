/** Values of every `--name=value` argument, in order. */
export const valuesOf = (argv: readonly string[], name: string): string[] =>
  argv
    .filter((arg) => arg.startsWith(`--${name}=`))
    .map((arg) => arg.slice(name.length + 3));

/** The value of the last `--name=value` argument, undefined when absent. */
export const valueOf = (
  argv: readonly string[],
  name: string,
): string | undefined => valuesOf(argv, name).at(-1);

/**
 * `--name=N`, a whole number ≥ 1, or `fallback` when absent; `command`
 * names the command in the error of any other value.
 */
export function countOf(
  argv: readonly string[],
  name: string,
  fallback: number,
  command: string,
): number {
  const value = valueOf(argv, name);
  if (value === undefined) {
    return fallback;
  }
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`${command}: --${name}=${value} is not a whole number ≥ 1`);
  }
  return count;
}
