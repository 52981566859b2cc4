import type { Logger } from '@nestjs/common';

/** Lines of one kind: a token bucket, and what it held back. */
interface Kind {
  tokens: number;
  updatedAt: number;
  suppressed: number;
  summary?: NodeJS.Timeout;
}

/** Options of `RateLimitedLog`. */
export interface RateLimitedLogOptions {
  /** Lines of one kind per second, sustained. @default 5 */
  perSecond?: number;
  /** Lines of one kind at once. @default 20 */
  burst?: number;
  /** Clock in milliseconds, replaceable so tests control refills. @default performance.now */
  now?: () => number;
}

/**
 * Warnings that a client can provoke (a refused handshake, an abnormal
 * close), at most `burst` at once and `perSecond` sustained per kind, so a
 * flood of bad clients cannot flood the log. What is held back is counted,
 * and one line says how many, a second after the first one held back.
 */
export class RateLimitedLog {
  private readonly kinds = new Map<string, Kind>();
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly now: () => number;

  constructor(
    private readonly logger: Logger,
    options: RateLimitedLogOptions = {},
  ) {
    this.perSecond = options.perSecond ?? 5;
    this.burst = options.burst ?? 20;
    this.now = options.now ?? (() => performance.now());
  }

  /** Logs `message` with `fields` as a warning, unless `kind` is over its rate. */
  warn(kind: string, message: string, fields: Record<string, unknown>): void {
    const state = this.take(kind);
    if (state.tokens >= 1) {
      state.tokens -= 1;
      this.logger.warn(message, { kind, ...fields });
      return;
    }
    state.suppressed += 1;
    state.summary ??= setTimeout(() => this.summarize(kind, state), 1_000);
    state.summary.unref(); // a pending summary must not keep the process alive
  }

  /** Writes every pending summary now, for a shutdown. */
  flush(): void {
    for (const [kind, state] of this.kinds) {
      this.summarize(kind, state);
    }
  }

  private take(kind: string): Kind {
    const now = this.now();
    let state = this.kinds.get(kind);
    if (!state) {
      state = { tokens: this.burst, updatedAt: now, suppressed: 0 };
      this.kinds.set(kind, state);
    }
    state.tokens = Math.min(
      this.burst,
      state.tokens + ((now - state.updatedAt) / 1_000) * this.perSecond,
    );
    state.updatedAt = now;
    return state;
  }

  private summarize(kind: string, state: Kind): void {
    clearTimeout(state.summary);
    state.summary = undefined;
    if (state.suppressed > 0) {
      this.logger.warn(`suppressed ${state.suppressed} ${kind} lines`, {
        kind,
        suppressed: state.suppressed,
      });
      state.suppressed = 0;
    }
  }
}
