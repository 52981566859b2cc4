/**
 * The stream holding the history of a group whose delivery key or pub/sub
 * channel is `name`. `name` is its hash tag, so on a Redis Cluster both are in
 * one slot (a script may touch both), and it starts with the prefix, so the
 * core layer's `flush` deletes it too.
 */
export function historyKey(prefix: string, name: string): string {
  return `${prefix}:history:{${name}}`;
}
