import type { Logger } from '@nestjs/common';
import { channel as diagnostics } from 'node:diagnostics_channel';
import { LAYER_DROP_DIAGNOSTICS } from './channel-layer.constants';

/**
 * Why a message was not delivered to a channel of this process: its buffer
 * was full (its consumer stalled), or it waited past the layer's expiry.
 */
export type DropReason = 'channel_full' | 'expired';

/** What is published on `LAYER_DROP_DIAGNOSTICS` for each dropped message. */
export interface LayerDrop {
  readonly reason: DropReason;
  readonly channel: string;
}

/** Milliseconds between two log lines about drops. */
const REPORT_INTERVAL_MS = 10_000;

/** Where drops are announced, for metrics. */
const announced = diagnostics(LAYER_DROP_DIAGNOSTICS);

/**
 * Counts the messages a layer drops for its own channels and logs them, at
 * most one line per interval with the count since the last line, so that a
 * flood of drops cannot flood the log; each drop is also announced on
 * `LAYER_DROP_DIAGNOSTICS`.
 */
export class DropLog {
  private readonly counts = new Map<DropReason, number>();
  private lastReport = 0;
  private example = '';

  constructor(private readonly logger: Logger) {}

  /** Records `count` messages dropped for `channel`. */
  record(reason: DropReason, channel: string, count = 1): void {
    if (announced.hasSubscribers) {
      for (let n = 0; n < count; n++) {
        announced.publish({ reason, channel } satisfies LayerDrop);
      }
    }
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + count);
    this.example = channel;
    const now = Date.now();
    if (now - this.lastReport >= REPORT_INTERVAL_MS) {
      this.lastReport = now;
      const summary = [...this.counts]
        .map(([why, dropped]) => `${dropped} (${why})`)
        .join(', ');
      this.counts.clear();
      this.logger.warn(
        `dropped ${summary} messages for channels of this process, e.g. ${this.example}: their consumers are behind`,
      );
    }
  }
}
