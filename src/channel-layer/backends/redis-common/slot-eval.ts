import calculateSlot from 'cluster-key-slot';
import { Cluster, Command, type Redis } from 'ioredis';
import { nodeByKey } from './cluster-slots';
import type { RedisClient } from './redis-connection';

/** Redirections one script follows at most (ioredis's own limit is 16). */
const MAX_REDIRECTIONS = 5;

/** What a script gets besides its keys. */
export type ScriptArgument = string | Buffer | number;

/**
 * Runs `lua` with `keys` and `args` on the master of `slot`, and never twice.
 *
 * ioredis's Cluster client sends a command again when the connection it was
 * written on closes before the reply (100 ms later, on a new connection),
 * as a cut of a hung master's connection does: a script the master then
 * read from the old socket's buffer when it woke would run a second time.
 * ioredis has no option for this one command and not for others, so it is
 * written here: given the slot as its pipelines give it, ioredis's
 * `sendCommand` neither retries the command nor follows a redirection.
 * A redirection means the script did not run, so it is followed here: to
 * the node a `MOVED` names (and the slot table is read again), or to the
 * node an `ASK` names, after `ASKING` on the same connection (a slot being
 * migrated, whose key is there already). It is sent as EVAL, not EVALSHA,
 * so that no NOSCRIPT re-send can reorder it.
 */
export async function evalOnSlot(
  cluster: Cluster,
  slot: number,
  lua: string,
  keys: readonly string[],
  args: readonly ScriptArgument[],
): Promise<unknown> {
  let redirection: { node: string; asking: boolean } | undefined;
  for (let redirections = 0; ; redirections++) {
    const command = new Command('eval', [lua, keys.length, ...keys, ...args]);
    if (redirection) {
      const node = nodeByKey(cluster, redirection.node);
      if (!node) {
        cluster.refreshSlotsCache();
        throw new Error(`no connection to ${redirection.node}`);
      }
      if (redirection.asking) {
        node.asking().catch(() => undefined);
      }
      void node.sendCommand(command);
    } else {
      void cluster.sendCommand(command, undefined, { slot });
    }
    try {
      return await command.promise;
    } catch (error) {
      const [kind, , node] = String((error as Error).message).split(' ');
      if ((kind !== 'MOVED' && kind !== 'ASK') || !node) {
        throw error;
      }
      if (redirections >= MAX_REDIRECTIONS) {
        throw new Error(`too many Cluster redirections: ${String(error)}`, {
          cause: error,
        });
      }
      if (kind === 'MOVED') {
        cluster.refreshSlotsCache();
      }
      redirection = { node, asking: kind === 'ASK' };
    }
  }
}

/**
 * A script that writes `key`, run once: on a Cluster by `evalOnSlot` on the
 * key's master; on a single Redis as `registered` runs it (EVALSHA), as its
 * connection sends nothing again.
 */
export async function scriptOnce<T>(
  client: RedisClient,
  lua: string,
  key: string,
  args: readonly ScriptArgument[],
  registered: (redis: Redis) => Promise<T>,
): Promise<T> {
  return client instanceof Cluster
    ? ((await evalOnSlot(client, calculateSlot(key), lua, [key], args)) as T)
    : registered(client);
}
