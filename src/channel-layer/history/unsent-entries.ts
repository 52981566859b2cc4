import type { Logger } from '@nestjs/common';

/** The most entries kept for deleting again; past it the oldest stay in the history. */
const MAX_UNSENT = 1_000;
/** How long between two attempts while Redis does not take the deletes. */
const RETRY_MS = 1_000;

/** One stored entry whose group send failed. */
interface Unsent {
  readonly index: number;
  readonly key: string;
  readonly id: string;
}

/**
 * The history entries of group sends that failed, deleted again until Redis
 * takes it: a failed send's message is no history (its sender was told so,
 * and a number the history lacks is a message never sent), but when Redis is
 * away the delete right after the failure fails too. While some are left,
 * they are deleted again every second, each stream's in one command.
 * Bounded: past `MAX_UNSENT` the oldest is given up, with a warning (the
 * stream's cap and TTL drop it in the end).
 */
export class UnsentEntries {
  private readonly pending: Unsent[] = [];
  private timer?: NodeJS.Timeout;
  private retrying = false;
  private stopped = false;

  /**
   * @param remove deletes `ids` from the stream `key` of shard `index`;
   *   rejects when Redis did not take it.
   */
  constructor(
    private readonly remove: (
      index: number,
      key: string,
      ids: string[],
    ) => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  /** Deletes entry `id` of the stream `key` now, and again later while that fails. */
  forget(index: number, key: string, id: string): void {
    this.remove(index, key, [id]).catch(() => this.keep({ index, key, id }));
  }

  /** Stops retrying; what is left stays in the history, and the log says so. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.pending.length > 0) {
      this.logger.warn(
        `${this.pending.length} messages whose send failed stay in the history: Redis did not take their deletion`,
      );
    }
  }

  private keep(entry: Unsent): void {
    if (this.stopped) {
      return;
    }
    if (this.pending.length >= MAX_UNSENT) {
      const given = this.pending.shift()!;
      this.logger.warn(
        `history entry ${given.id} of ${given.key} stays although its send failed: more than ${MAX_UNSENT} wait for Redis`,
      );
    }
    this.pending.push(entry);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer === undefined && !this.retrying && !this.stopped) {
      this.timer = setTimeout(() => void this.retry(), RETRY_MS);
      this.timer.unref(); // a retry must not keep the process alive
    }
  }

  /** Deletes every pending entry again, one command per stream; what fails stays. */
  private async retry(): Promise<void> {
    this.timer = undefined;
    this.retrying = true;
    const streams = new Map<string, Unsent[]>();
    for (const entry of this.pending.splice(0)) {
      const stream = `${entry.index}\n${entry.key}`;
      const entries = streams.get(stream);
      if (entries) {
        entries.push(entry);
      } else {
        streams.set(stream, [entry]);
      }
    }
    await Promise.all(
      [...streams.values()].map((entries) =>
        this.remove(
          entries[0].index,
          entries[0].key,
          entries.map(({ id }) => id),
        ).catch(() => entries.forEach((entry) => this.keep(entry))),
      ),
    );
    this.retrying = false;
    if (this.pending.length > 0) {
      this.schedule();
    }
  }
}
