import calculateSlot from 'cluster-key-slot';
import { Cluster, Command, type Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { nodeByKey, slotMaster } from './cluster-slots';
import type { RedisClient } from './redis-connection';

/** Redirections one script follows at most (ioredis's own limit is 16). */
const MAX_REDIRECTIONS = 5;

/** What a script gets besides its keys. */
export type ScriptArgument = string | Buffer | number;

/**
 * Runs `lua` with `keys` and `args` on `master` (the connection to its
 * slot's master, from `slotMaster`), and never twice.
 *
 * ioredis's Cluster client sends a command again when the connection it was
 * written on closes before the reply (100 ms later, on a new connection),
 * as a cut of a hung master's connection does: a script the master then
 * read from the old socket's buffer when it woke would run a second time.
 * ioredis has no option for one command and not for others, so it is
 * written here: the script goes to the node's own connection, which sends
 * nothing again (no reconnection, `autoResendUnfulfilledCommands` off). A
 * redirection means the script did not run, so it is followed: to the node
 * a `MOVED` names (and the slot table is read again), or to the node an
 * `ASK` names, after `ASKING` on the same connection (a slot being migrated,
 * whose key is there already), until `deadline` (Unix ms, the script's own).
 * A node the client has no connection to (a master added to the Cluster
 * that serves no slot yet) fails it, as ioredis's pipelines do.
 * It is sent as EVAL, not EVALSHA, so that no NOSCRIPT re-send can reorder it.
 *
 * The caller's gate watches the slot's master: a redirected script that
 * fails without a reply (its connection closed) may still run until its
 * deadline, so it fails then, not before.
 */
export async function evalOnSlot(
  cluster: Cluster,
  master: Redis,
  lua: string,
  keys: readonly string[],
  args: readonly ScriptArgument[],
  deadline: number,
): Promise<unknown> {
  let node = master;
  let asking = false;
  for (let redirections = 0; ; redirections++) {
    const command = new Command('eval', [lua, keys.length, ...keys, ...args], {
      replyEncoding: 'utf8',
    });
    if (asking) {
      node.asking().catch(() => undefined);
    }
    void node.sendCommand(command);
    try {
      return await command.promise;
    } catch (error) {
      const [kind, , to] = String((error as Error).message).split(' ');
      if ((kind !== 'MOVED' && kind !== 'ASK') || to === undefined) {
        if (redirections > 0 && (error as Error).name !== 'ReplyError') {
          await sleep(deadline - Date.now());
        }
        throw error;
      }
      if (redirections >= MAX_REDIRECTIONS || Date.now() >= deadline) {
        throw new Error(`gave up following redirections: ${String(error)}`, {
          cause: error,
        });
      }
      if (kind === 'MOVED') {
        cluster.refreshSlotsCache();
      }
      const next = nodeByKey(cluster, to);
      if (!next) {
        throw new Error(`no connection to ${to}`, { cause: error });
      }
      node = next;
      asking = kind === 'ASK';
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
  deadline: number,
  registered: (redis: Redis) => Promise<T>,
): Promise<T> {
  if (!(client instanceof Cluster)) {
    return registered(client);
  }
  const slot = calculateSlot(key);
  const master = slotMaster(client, slot);
  if (!master) {
    throw new Error(`no connection to the master of slot ${slot}`);
  }
  return (await evalOnSlot(
    client,
    master.node,
    lua,
    [key],
    args,
    deadline,
  )) as T;
}
