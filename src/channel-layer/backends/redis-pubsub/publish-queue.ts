import type { BatchLimits } from '../redis-common/turn-batches';
import { TurnBatches } from '../redis-common/turn-batches';

/** One publish: the pub/sub channel's name and the payload. */
export type Publish = [name: string, payload: Buffer];

/**
 * A pub/sub server's publishes, in call order, each issued only after the
 * subscription changes this process had in flight when it was made: a
 * receive or a groupAdd followed by a send is never outrun by the reply it
 * sets off. Publishes are issued in batches of one event-loop turn's, and
 * at most `limits.maxWaiting` (and `maxWaitingBytes`) wait to be issued, for
 * `limits.maxWaitMs` at most.
 */
export class PublishQueue {
  /** Subscription changes in flight, each settled whether or not it failed. */
  private readonly pending = new Set<Promise<void>>();
  /** Settles when every change now in `pending` has; made anew when one is added. */
  private changesSettled?: Promise<unknown>;
  private readonly batches: TurnBatches<Publish, number>;

  /**
   * @param issue publishes one batch, the first of which was made at
   * `issuedAt` (its deadline counts from then); resolves with each
   * publish's receivers.
   * @param unavailable the error of a publish over the waiting bounds, or that
   * waited too long, for its cause.
   */
  constructor(
    issue: (
      batch: Publish[],
      bytes: number,
      issuedAt: number,
    ) => Promise<number[]>,
    limits: BatchLimits,
    unavailable: (cause: string) => Error,
  ) {
    this.batches = new TurnBatches(issue, limits, unavailable, 'publishes');
  }

  /** Publishes `payload` to `name` after the subscription changes in flight now. */
  publish(name: string, payload: Buffer): Promise<number> {
    const after =
      this.pending.size > 0
        ? (this.changesSettled ??= Promise.all(this.pending))
        : undefined;
    return this.batches.add([name, payload], payload.length, after);
  }

  /** Holds later publishes behind the subscription change `operation` until it settles. */
  async track<T>(operation: Promise<T>): Promise<T> {
    const settled = operation.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    this.changesSettled = undefined;
    try {
      return await operation;
    } finally {
      this.pending.delete(settled);
    }
  }
}
