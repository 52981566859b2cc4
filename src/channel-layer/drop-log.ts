import type { Logger } from '@nestjs/common';

/** Why a message was not delivered to a channel of this process. */
export type DropReason = 'channel_full';

/** Milliseconds between two log lines about drops. */
const REPORT_INTERVAL_MS = 10_000;

/**
 * Counts the messages a layer drops for its own channels (a member whose
 * consumer stalled and whose buffer is full) and logs them, at most one line
 * per interval with the count since the last line, so that a flood of drops
 * cannot flood the log.
 */
export class DropLog {
  private readonly counts = new Map<DropReason, number>();
  private lastReport = 0;
  private example = '';

  constructor(private readonly logger: Logger) {}

  /** Records one message dropped for `channel`. */
  record(reason: DropReason, channel: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
    this.example = channel;
    const now = Date.now();
    if (now - this.lastReport >= REPORT_INTERVAL_MS) {
      this.lastReport = now;
      const summary = [...this.counts]
        .map(([why, count]) => `${count} (${why})`)
        .join(', ');
      this.counts.clear();
      this.logger.warn(
        `dropped ${summary} messages for channels of this process, e.g. ${this.example}: their consumers are behind`,
      );
    }
  }
}
