import calculateSlot from 'cluster-key-slot';
import { Cluster } from 'ioredis';
import { masterOfSlot } from './cluster-slots';
import { DEFAULT_COMMAND_LIMITS } from './command-gate';
import type { RedisConnection } from './redis-connection';

/** A command that `SlotOrder.run` may hold. */
export interface OrderedSend<T> {
  readonly slot: number;
  /** The slot's master (`host:port`) as the client's slot table names it now. */
  readonly master: () => string | undefined;
  /** When its caller is told "unavailable" at the latest (Unix ms). */
  readonly deadline: number;
  /** Its payload's size. */
  readonly bytes: number;
  /** Sends it: an async call (it does not throw). */
  readonly send: () => Promise<T>;
}

/** A slot's commands in flight: how many, and the master they went to. */
interface InFlight {
  count: number;
  readonly master: string | undefined;
}

/** A held command: what sends it, and its deadline's timer. */
interface Held {
  readonly go: () => void;
  readonly bytes: number;
  timer?: NodeJS.Timeout;
}

/**
 * Call order per slot across a slot move, for one Cluster client. A
 * command refused with a redirection is sent on once its refusal is back,
 * while a command issued after the client reread its slot table goes
 * straight to the slot's new master, and could overtake it. So a slot's
 * next commands wait while those in flight are done, once one of them was
 * redirected or when the slot table names another master than the one
 * they went to; then they go at once, in call order. A held command fails
 * at its deadline, and at once when 10,000 commands or 8 MiB wait already.
 * Written by hand: ioredis keeps no order across its own redirections.
 */
export class SlotOrder {
  private readonly inFlight = new Map<number, InFlight>();
  /** The slots whose commands wait, with each waiting command in call order. */
  private readonly held = new Map<number, Set<Held>>();
  private heldCount = 0;
  private heldBytes = 0;

  /**
   * `command.send()` now, or once the slot's commands in flight are done.
   * @param refuse the error of a held command that fails, from its cause.
   */
  run<T>(
    command: OrderedSend<T>,
    refuse: (cause: string) => Error,
  ): Promise<T> {
    const { slot } = command;
    const master = command.master();
    const flying = this.inFlight.get(slot);
    if (flying && flying.master !== master) {
      this.holdSlot(slot);
    }
    const waiting = this.held.get(slot);
    if (waiting) {
      return this.hold(waiting, command, refuse);
    }
    if (flying) {
      flying.count++;
    } else {
      this.inFlight.set(slot, { count: 1, master });
    }
    const reply = command.send();
    const done = (): void => this.done(slot);
    reply.then(done, done);
    return reply;
  }

  /** A command of `slot` in flight was redirected: the slot's next ones wait for those in flight. */
  moved(slot: number): void {
    if (this.inFlight.has(slot)) {
      this.holdSlot(slot);
    }
  }

  private holdSlot(slot: number): void {
    if (!this.held.has(slot)) {
      this.held.set(slot, new Set());
    }
  }

  private hold<T>(
    waiting: Set<Held>,
    command: OrderedSend<T>,
    refuse: (cause: string) => Error,
  ): Promise<T> {
    const { bytes } = command;
    if (
      this.heldCount >= DEFAULT_COMMAND_LIMITS.maxMessages ||
      this.heldBytes + bytes > DEFAULT_COMMAND_LIMITS.maxBytes
    ) {
      return Promise.reject(
        refuse(
          `Redis is not keeping up (${this.heldCount} commands, ${this.heldBytes} bytes wait for a slot move)`,
        ),
      );
    }
    this.heldCount++;
    this.heldBytes += bytes;
    return new Promise<T>((resolve, reject) => {
      const held: Held = {
        bytes,
        go: () => {
          this.release(held);
          this.run(command, refuse).then(resolve, reject);
        },
      };
      held.timer = setTimeout(() => {
        waiting.delete(held);
        this.release(held);
        reject(refuse('Redis did not answer in time (waited for a slot move)'));
      }, command.deadline - Date.now());
      held.timer.unref(); // a deadline must not keep the process alive
      waiting.add(held);
    });
  }

  private release(held: Held): void {
    clearTimeout(held.timer);
    this.heldCount--;
    this.heldBytes -= held.bytes;
  }

  private done(slot: number): void {
    const flying = this.inFlight.get(slot);
    if (flying && flying.count > 1) {
      flying.count--;
      return;
    }
    this.inFlight.delete(slot);
    const waiting = this.held.get(slot);
    if (waiting) {
      // At once, in call order: nothing issued meanwhile can go first.
      this.held.delete(slot);
      waiting.forEach((held) => held.go());
    }
  }
}

const orders = new WeakMap<Cluster, SlotOrder>();

/** The one `SlotOrder` of `cluster`, shared by the layers' commands on it. */
export function slotOrderOf(cluster: Cluster): SlotOrder {
  let order = orders.get(cluster);
  if (!order) {
    order = new SlotOrder();
    orders.set(cluster, order);
  }
  return order;
}

/**
 * `send()`, through the `SlotOrder` of `key`'s slot when `connection` is a
 * Cluster's: a command of `bytes` issued at `issuedAt` (Unix ms).
 */
export function inSlotOrder<T>(
  connection: RedisConnection,
  key: string | undefined,
  bytes: number,
  issuedAt: number,
  send: () => Promise<T>,
): Promise<T> {
  const { client } = connection;
  if (!(client instanceof Cluster) || key === undefined) {
    return send();
  }
  const slot = calculateSlot(key);
  return slotOrderOf(client).run(
    {
      slot,
      master: () => masterOfSlot(client, slot),
      deadline: issuedAt + DEFAULT_COMMAND_LIMITS.timeoutMs,
      bytes,
      send,
    },
    (cause) => connection.unavailable(cause),
  );
}
