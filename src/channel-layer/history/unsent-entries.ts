import type { Logger } from '@nestjs/common';

/** The most entries waiting to be deleted again; past it the oldest stay in the history. */
const MAX_UNSENT = 1_000;
/** How long between two attempts while Redis does not take the deletes. */
const RETRY_MS = 1_000;

/** A stored entry whose group send failed. */
export interface UnsentEntry {
  /** The shard of its stream. */
  readonly index: number;
  /** Its stream's key. */
  readonly key: string;
  readonly id: string;
  /** The SHA-1 (hex) of its stored value. */
  readonly sha1: string;
}

/**
 * The history entries of group sends that failed, deleted until Redis takes
 * it: a failed send's message is no history (its sender was told so, and a
 * number the history lacks is a message never sent), but when Redis is away
 * the delete right after the failure fails too. Deleted at once, then, while
 * some are left, again every second, each stream's in one command; `remove`
 * deletes an entry only while its stream still holds that very value (Redis
 * may lose it in the outage, as when a replica that lacked it is promoted,
 * and the next message stored then gets its id).
 * Bounded: past `MAX_UNSENT` waiting, the oldest are given up, with one
 * warning per attempt (the stream's cap drops them in the end).
 */
export class UnsentEntries {
  private readonly pending: UnsentEntry[] = [];
  /** Entries of the attempt in flight. */
  private inFlight = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private givenUp = 0;

  /**
   * @param remove deletes `entries` of the stream `key` of shard `index`
   *   (those still holding their value); rejects when Redis did not take it.
   */
  constructor(
    private readonly remove: (
      index: number,
      key: string,
      entries: UnsentEntry[],
    ) => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  /** Deletes `entry` now, and again later while that fails. */
  forget(entry: UnsentEntry): void {
    if (this.stopped) {
      return;
    }
    this.pending.push(entry);
    this.trim();
    if (this.inFlight === 0 && this.timer === undefined) {
      void this.attempt();
    }
  }

  /** Stops deleting; what is left stays in the history, and the log says how many. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const left = this.pending.length + this.inFlight;
    if (left > 0) {
      this.logger.warn(
        `${left} messages whose send failed stay in the history: Redis did not take their deletion`,
      );
    }
  }

  /** Deletes every pending entry, one command per stream; the failed ones wait for the next attempt. */
  private async attempt(): Promise<void> {
    this.timer = undefined;
    const batch = this.pending.splice(0);
    this.inFlight = batch.length;
    const streams = new Map<string, UnsentEntry[]>();
    for (const entry of batch) {
      const stream = `${entry.index}\n${entry.key}`;
      const entries = streams.get(stream);
      if (entries) {
        entries.push(entry);
      } else {
        streams.set(stream, [entry]);
      }
    }
    const failed = new Set<UnsentEntry>();
    await Promise.all(
      [...streams.values()].map((entries) =>
        this.remove(entries[0].index, entries[0].key, entries).catch(() =>
          entries.forEach((entry) => failed.add(entry)),
        ),
      ),
    );
    this.inFlight = 0;
    if (this.stopped) {
      return;
    }
    // The failed ones are older than those that came meanwhile.
    this.pending.unshift(...batch.filter((entry) => failed.has(entry)));
    this.trim();
    if (this.givenUp > 0) {
      this.logger.warn(
        `${this.givenUp} messages whose send failed stay in the history: more than ${MAX_UNSENT} waited for Redis to take their deletion`,
      );
      this.givenUp = 0;
    }
    if (this.pending.length === 0) {
      return;
    }
    if (failed.size === 0) {
      void this.attempt(); // Redis takes them: those that came meanwhile go now
      return;
    }
    this.timer = setTimeout(() => void this.attempt(), RETRY_MS);
    this.timer.unref(); // a retry must not keep the process alive
  }

  /** Gives up the oldest entries past `MAX_UNSENT`. */
  private trim(): void {
    const over = this.pending.length - MAX_UNSENT;
    if (over > 0) {
      this.pending.splice(0, over);
      this.givenUp += over;
    }
  }
}
