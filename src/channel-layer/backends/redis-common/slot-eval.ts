import calculateSlot from 'cluster-key-slot';
import { Cluster, Command, type Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { nodeKey, slotMaster } from './cluster-slots';
import { SCRIPT_DEADLINE_MARGIN_MS } from './command-gate';
import { dropSpare, redirectionNode } from './redirection-nodes';
import { slotOrderOf } from './slot-order';
import type { RedisClient } from './redis-connection';

/** Redirections one script follows at most (ioredis's own limit is 16). */
const MAX_REDIRECTIONS = 5;

/** What a script gets besides its keys. */
export type ScriptArgument = string | Buffer | number;

/** A command for keys of one slot, as `sendOnSlot` sends it. */
export interface SlotCommand {
  readonly name: string;
  readonly args: readonly ScriptArgument[];
}

/** EVAL of `lua` over `keys` with `args`. */
export function evalCommand(
  lua: string,
  keys: readonly string[],
  args: readonly ScriptArgument[],
): SlotCommand {
  return { name: 'eval', args: [lua, keys.length, ...keys, ...args] };
}

/**
 * Runs `lua` with `keys` and `args` on `master` (the connection to its
 * slot's master, from `slotMaster`), and never twice (`sendOnSlot`).
 */
export function evalOnSlot(
  cluster: Cluster,
  master: Redis,
  lua: string,
  keys: readonly string[],
  args: readonly ScriptArgument[],
  deadline: number,
): Promise<unknown> {
  return sendOnSlot(
    cluster,
    { node: master, asking: false },
    evalCommand(lua, keys, args),
    deadline,
    0,
  );
}

/**
 * `sent`'s reply, where `sent` is `command` as `client` auto-pipelines it;
 * on a Cluster, when the reply is a redirection, `command` sent on from the
 * node it names, as `sendOnSlot` does, until `deadline`. ioredis follows
 * the redirections of an auto-pipeline only when all its commands got the
 * same one, and an auto-pipeline holds a node's commands of every slot:
 * while one slot moves, its commands would fail and the others' run.
 */
export function redirected<T>(
  client: RedisClient,
  sent: Promise<T>,
  command: () => SlotCommand,
  deadline: number,
): Promise<T> {
  if (!(client instanceof Cluster)) {
    return sent;
  }
  return sent.catch(
    (error: unknown) =>
      sendOnSlot(
        client,
        nextNode(client, error, deadline, 0),
        command(),
        deadline,
        1,
      ) as Promise<T>,
  );
}

/** Where a redirection sends a command: its node, and whether it needs `ASKING` first. */
interface Hop {
  readonly node: Redis;
  readonly asking: boolean;
}

/**
 * Sends `command` from `hop`, never twice. ioredis's Cluster client sends a
 * command again when the connection it was written on closes before the
 * reply (100 ms later, on a new connection), as a cut of a hung master's
 * connection does: a script the master then read from the old socket's
 * buffer when it woke would run a second time. ioredis has no option for
 * one command and not for others, so it is written here: the command goes
 * to the node's own connection, which sends nothing again (no
 * reconnection, `autoResendUnfulfilledCommands` off). A redirection means
 * the command did not run, so it is followed (`nextNode`). A script is sent
 * as EVAL, not EVALSHA, so that no NOSCRIPT re-send can reorder it.
 *
 * The caller's gate watches the slot's master, and cuts its connection
 * when a command is not answered by the gate's deadline. A redirected
 * command is on another node's connection, so it is settled just before
 * that (`settleBy`): without a reply by then, it fails (a connection of the
 * layer's own to that node is dropped), and one that failed without a
 * reply (its connection closed) fails then, not before, as Redis may still
 * run it until its deadline.
 */
async function sendOnSlot(
  cluster: Cluster,
  hop: Hop,
  command: SlotCommand,
  deadline: number,
  redirections: number,
): Promise<unknown> {
  let { node, asking } = hop;
  for (let followed = redirections; ; followed++) {
    const sent = new Command(command.name, [...command.args], {
      replyEncoding: 'utf8',
    });
    if (asking) {
      node.asking().catch(() => undefined);
    }
    void node.sendCommand(sent);
    try {
      return followed === 0
        ? await sent.promise
        : await replyBy(sent.promise, settleBy(deadline), node);
    } catch (error) {
      if (!redirection(error)) {
        if (followed > 0 && (error as Error).name !== 'ReplyError') {
          await sleep(settleBy(deadline) - Date.now());
          throw new Error(
            `redirected to ${nodeKey(node)}: ${String((error as Error).message)}`,
            { cause: error },
          );
        }
        throw error;
      }
      ({ node, asking } = nextNode(cluster, error, deadline, followed));
    }
  }
}

/** How long before its gate's deadline a redirected command is settled. */
const SETTLE_LEAD_MS = 50;

/** When a redirected command with the script deadline `deadline` is settled: before its gate cuts the slot's master. */
function settleBy(deadline: number): number {
  return deadline + SCRIPT_DEADLINE_MARGIN_MS - SETTLE_LEAD_MS;
}

/**
 * `reply`, or a failure at `at` if it has not come by then: the connection
 * to `node` is then dropped if it is one of the layer's own.
 */
async function replyBy<T>(
  reply: Promise<T>,
  at: number,
  node: Redis,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      dropSpare(node);
      reject(new Error(`no reply in time from ${nodeKey(node)}`));
    }, at - Date.now());
  });
  try {
    return await Promise.race([reply, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether `error` is a `MOVED` or `ASK` reply. */
function redirection(error: unknown): boolean {
  return /^(MOVED|ASK) \d+ \S+$/.test(String((error as Error).message));
}

/**
 * The node a redirection `error` names, after `followed` of them: on
 * `MOVED`, the slot table is read again; on `ASK` (a slot being migrated,
 * whose key is there already) the command needs `ASKING` first, on the
 * same connection. The slot's next commands wait for this one
 * (`SlotOrder`). Throws `error` itself when it is no redirection, and
 * gives up past `MAX_REDIRECTIONS` or `deadline`.
 */
function nextNode(
  cluster: Cluster,
  error: unknown,
  deadline: number,
  followed: number,
): Hop {
  if (!redirection(error)) {
    throw error;
  }
  if (followed >= MAX_REDIRECTIONS || Date.now() >= deadline) {
    throw new Error(`gave up following redirections: ${String(error)}`, {
      cause: error,
    });
  }
  const [kind, slot, to] = (error as Error).message.split(' ');
  slotOrderOf(cluster).moved(Number(slot));
  if (kind === 'MOVED') {
    cluster.refreshSlotsCache();
  }
  return { node: redirectionNode(cluster, to), asking: kind === 'ASK' };
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
