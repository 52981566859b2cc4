import type { Cluster } from 'ioredis';

/** Commands held at most, over all slots of one client, while their slots move; more fail at once. */
const MAX_HELD = 10_000;

/**
 * Call order per slot across a slot move, for one Cluster client. A
 * command refused with a redirection is sent on once its refusal is back,
 * while a command issued after the client reread its slot table goes
 * straight to the slot's new master, and could overtake it. So once a
 * command of a slot has been redirected, the slot's next commands wait
 * until those in flight are done (each within its own deadline), then go
 * in their call order. Written by hand: ioredis keeps no order across its
 * own redirections either.
 */
export class SlotOrder {
  /** Commands sent and not settled, by slot. */
  private readonly inFlight = new Map<number, number>();
  /** The slots whose commands wait, with what sends each, in call order. */
  private readonly held = new Map<number, Array<() => void>>();
  private heldCount = 0;

  /**
   * `send()` now, or once the slot's commands in flight are done if one of
   * them was redirected. Fails at once when too many wait already.
   * @param send an async call (it does not throw).
   * @param refuse the error for a command that cannot wait.
   */
  run<T>(
    slot: number,
    send: () => Promise<T>,
    refuse: () => Error,
  ): Promise<T> {
    const waiting = this.held.get(slot);
    if (waiting) {
      if (this.heldCount >= MAX_HELD) {
        return Promise.reject(refuse());
      }
      this.heldCount++;
      return new Promise<T>((resolve, reject) => {
        waiting.push(() => {
          this.heldCount--;
          this.run(slot, send, refuse).then(resolve, reject);
        });
      });
    }
    this.inFlight.set(slot, (this.inFlight.get(slot) ?? 0) + 1);
    const reply = send();
    const done = (): void => this.done(slot);
    reply.then(done, done);
    return reply;
  }

  /** A command of `slot` in flight was redirected: the slot's next ones wait for those in flight. */
  moved(slot: number): void {
    if (!this.held.has(slot) && this.inFlight.has(slot)) {
      this.held.set(slot, []);
    }
  }

  private done(slot: number): void {
    const left = (this.inFlight.get(slot) ?? 1) - 1;
    if (left > 0) {
      this.inFlight.set(slot, left);
      return;
    }
    this.inFlight.delete(slot);
    const waiting = this.held.get(slot);
    if (waiting) {
      // At once, in call order: nothing issued meanwhile can go first.
      this.held.delete(slot);
      waiting.forEach((send) => send());
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
