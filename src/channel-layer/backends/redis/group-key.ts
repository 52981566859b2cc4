/** The sorted set of a group's channels, under the key channels_redis gives it. */
export function groupKey(prefix: string, group: string): string {
  return `${prefix}:group:${group}`;
}
