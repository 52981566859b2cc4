import calculateSlot from 'cluster-key-slot';
import { Cluster, Command, type Redis } from 'ioredis';
import { cutHungNode } from './cluster-gates';
import { nodeKey, slotMaster } from './cluster-slots';
import { SCRIPT_DEADLINE_MARGIN_MS, type SentAway } from './command-gate';
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
 * slot's master, from `slotMaster`), and never twice (`sendOnSlot`);
 * `away` tells its gate when a redirection sends it to another node.
 */
export function evalOnSlot(
  cluster: Cluster,
  master: Redis,
  lua: string,
  keys: readonly string[],
  args: readonly ScriptArgument[],
  deadline: number,
  away: SentAway,
): Promise<unknown> {
  return sendOnSlot(
    cluster,
    { node: master, asking: false },
    evalCommand(lua, keys, args),
    { deadline, away },
    0,
  );
}

/**
 * `sent`'s reply, where `sent` is `command` as `client` auto-pipelines it;
 * on a Cluster, when the reply is a redirection, `command` sent on from the
 * node it names, as `sendOnSlot` does, until `deadline` (and `away` is
 * called). ioredis follows the redirections of an auto-pipeline only when
 * all its commands got the same one (those bypass this: its gate is not
 * told), and an auto-pipeline holds a node's commands of every slot: while
 * one slot moves, its commands would fail and the others' run.
 */
export function redirected<T>(
  client: RedisClient,
  sent: Promise<T>,
  command: () => SlotCommand,
  deadline: number,
  away: SentAway,
): Promise<T> {
  if (!(client instanceof Cluster)) {
    return sent;
  }
  const gate = { deadline, away };
  return sent.catch(
    (error: unknown) =>
      sendOnSlot(
        client,
        nextNode(client, error, gate, 0),
        command(),
        gate,
        1,
      ) as Promise<T>,
  );
}

/** A command's deadline for scripts (Unix ms), and what tells its gate it went to another node. */
interface GateTerms {
  readonly deadline: number;
  readonly away: SentAway;
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
 * The caller's gate watches the slot's master: a redirected command is on
 * another node's connection, so the gate is told (`away`), and neither cuts
 * the master's connection when that node does not answer, nor tells the
 * caller before the deadline when it fails without a reply (Redis may still
 * run it until then). A redirected command not answered by the gate's
 * deadline is settled then, and the connection to its node is closed
 * (`replyBy`).
 */
async function sendOnSlot(
  cluster: Cluster,
  hop: Hop,
  command: SlotCommand,
  gate: GateTerms,
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
        : await replyBy(
            cluster,
            sent.promise,
            gate.deadline + SCRIPT_DEADLINE_MARGIN_MS,
            node,
          );
    } catch (error) {
      if (!redirection(error)) {
        throw error;
      }
      ({ node, asking } = nextNode(cluster, error, gate, followed));
    }
  }
}

/**
 * `reply`, or a failure at `at` if it has not come by then: the connection
 * to `node` is then closed, as its own gate would close it (a connection of
 * the layer's own is dropped), so that nothing piles up behind it.
 */
async function replyBy<T>(
  cluster: Cluster,
  reply: Promise<T>,
  at: number,
  node: Redis,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      if (!dropSpare(node)) {
        cutHungNode(cluster, nodeKey(node));
      }
      reject(new Error(`no reply in time from ${nodeKey(node)}`));
    }, at - Date.now());
    timer.unref();
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
 * (`SlotOrder`), and its gate is told it went away. Throws `error` itself
 * when it is no redirection, and gives up past `MAX_REDIRECTIONS` or the
 * deadline.
 */
function nextNode(
  cluster: Cluster,
  error: unknown,
  gate: GateTerms,
  followed: number,
): Hop {
  if (!redirection(error)) {
    throw error;
  }
  if (followed >= MAX_REDIRECTIONS || Date.now() >= gate.deadline) {
    throw new Error(`gave up following redirections: ${String(error)}`, {
      cause: error,
    });
  }
  const [kind, slot, to] = (error as Error).message.split(' ');
  slotOrderOf(cluster).moved(Number(slot));
  if (kind === 'MOVED') {
    cluster.refreshSlotsCache();
  }
  const node = redirectionNode(cluster, to);
  gate.away();
  return { node, asking: kind === 'ASK' };
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
  away: SentAway,
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
    away,
  )) as T;
}
