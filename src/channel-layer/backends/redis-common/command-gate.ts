import type { Logger } from '@nestjs/common';
import { Cluster } from 'ioredis';
import type { RedisClient, RedisConnection } from './redis-connection';

/** Bounds of one connection's commands in flight (issued, not yet answered). */
export interface CommandLimits {
  /** Milliseconds from issue to reply before the command fails. */
  readonly timeoutMs: number;
  /** Messages in flight at most (a command counts each message it carries); more fail at once. */
  readonly maxMessages: number;
  /** Payload bytes in flight at most; more fail at once. */
  readonly maxBytes: number;
}

/**
 * A Redis that stops answering on a connection that stays open (SIGSTOP, a
 * partition, a stuck failover) must fail sends within seconds, not hold them.
 */
export const DEFAULT_COMMAND_LIMITS: CommandLimits = {
  timeoutMs: 5_000,
  maxMessages: 10_000,
  maxBytes: 8 * 1024 * 1024,
};

/**
 * How much earlier than the caller's deadline a script stops taking effect:
 * a script that Redis runs after its sender was told "unavailable" (it sat in
 * a hung Redis's socket buffer) must do nothing, and the reply of one run in
 * time needs a moment to come back. Covers clock skew up to this much, too.
 */
export const SCRIPT_DEADLINE_MARGIN_MS = 500;

/**
 * Least time between two passes over the commands in flight: in a hang,
 * thousands of commands with deadlines a millisecond apart are failed in
 * passes of many, not one pass each. A caller hears this much late at most;
 * their scripts stopped taking effect 500 ms before.
 */
const EXPIRY_TICK_MS = 10;

interface InFlight {
  /** When its caller is told "unavailable" at the latest (Unix ms): issue time plus the timeout. */
  readonly deadline: number;
  readonly bytes: number;
  readonly count: number;
  /** Tells its caller the outcome; unset once told. */
  reject?: (error: Error) => void;
  /** It was in flight when the gate cut its connection: Redis may still run it. */
  cut?: boolean;
  /** ioredis has settled it (it holds none of its memory any more). */
  settled?: boolean;
  /**
   * A redirection sent it to another node: no reply by its deadline is
   * that node's silence, not this connection's, so it cuts nothing.
   */
  away?: boolean;
}

/**
 * What a call tells its gate when a redirection sent its command on to
 * another node (`CommandGate.run`).
 */
export type SentAway = () => void;

/** How a `CommandGate` differs from one over a whole connection. */
export interface GateOptions {
  /** Closes the connection at once when a deadline passes; by default every connection of the client. */
  readonly cut?: () => void;
  /** What its log lines name; by default the connection's name. */
  readonly name?: string;
}

/**
 * Closes `client`'s connections at once. Not `disconnect()`: it ends a stream
 * gracefully, which waits for a hung Redis to read what is buffered.
 * Destroying it closes at once and ioredis reconnects, rejecting every
 * command it had not written.
 */
export function cutConnections(client: RedisClient): void {
  const connections = client instanceof Cluster ? client.nodes() : [client];
  for (const connection of connections) {
    connection.stream?.destroy();
  }
}

/**
 * Runs the commands of one Redis connection with a deadline counted from when
 * each is issued and a bound on what waits: ioredis starts a command's timeout
 * only once it is written, and its auto-pipeline holds later commands, without
 * bound, behind a batch a hung Redis never answers. No library bounds this, so
 * it is written here: past the bound a command fails at once; past its
 * deadline its caller gets `ChannelLayerUnavailableError` and the connection
 * is cut (`cut`: dropped and re-opened), which rejects every command not yet
 * written (they are never sent later) and frees what the socket buffered. A
 * command already written may still run when Redis wakes: scripts get
 * `deadline` and do nothing after it, and a command the cut failed before its
 * deadline is reported at its deadline, not at the cut, so that nothing is
 * run after its caller was told "unavailable".
 */
export class CommandGate {
  /**
   * In issue order (the first is the oldest): commands ioredis holds, and
   * those whose failure is told at their deadline.
   */
  private readonly inFlight = new Set<InFlight>();
  /** Calls waiting for the connection before they are in flight. */
  private connecting = 0;
  /** Payload bytes of the commands ioredis holds. */
  private bytes = 0;
  /** Messages the commands ioredis holds carry. */
  private count = 0;
  private timer?: NodeJS.Timeout;
  /** When `timer` fires (Unix ms); Infinity when none is armed. */
  private timerAt = Number.POSITIVE_INFINITY;
  /** A deadline passed and no reply has come since: later cuts log at debug level. */
  private hung = false;

  private readonly cut: () => void;
  private readonly name: string;
  private readonly limits = DEFAULT_COMMAND_LIMITS;

  constructor(
    private readonly connection: RedisConnection,
    private readonly logger: Logger,
    options: GateOptions = {},
  ) {
    this.cut = options.cut ?? (() => cutConnections(connection.client));
    this.name = options.name ?? connection.name;
  }

  /**
   * Runs `call`, failing with `ChannelLayerUnavailableError` when Redis is
   * away, too much waits already, less than `SCRIPT_DEADLINE_MARGIN_MS` is
   * left of its time when it could be issued, or no reply comes before the
   * deadline (counted from `issuedAt`, the wait for a new client's first
   * connection included).
   * @param call gets the connection, the deadline for scripts (Unix ms),
   * and what to call when a redirection sends its command to another node:
   * from then on, a failure without a reply waits for the deadline (Redis
   * may still run it until then), and no reply by the deadline cuts nothing.
   * @param bytes the payload's size, counted against `maxBytes`.
   * @param count the messages it carries, counted against `maxMessages`.
   * @param issuedAt when its caller issued it (Unix ms), before any wait of
   * its own (a batch's turn, subscriptions in flight); by default now.
   */
  async run<T>(
    call: (client: RedisClient, deadline: number, away: SentAway) => Promise<T>,
    bytes = 0,
    count = 1,
    issuedAt = Date.now(),
  ): Promise<T> {
    const deadline = issuedAt + this.limits.timeoutMs;
    this.connecting++;
    try {
      await this.connection.whenReady();
    } catch (error) {
      throw this.connection.unavailable(error);
    } finally {
      this.connecting--;
    }
    if (Date.now() >= deadline - SCRIPT_DEADLINE_MARGIN_MS) {
      // Too little is left: a script would do nothing by the time Redis
      // runs it, and a slow reply would have the connection cut.
      throw this.connection.unavailable(
        `less than ${SCRIPT_DEADLINE_MARGIN_MS} ms of its ${this.limits.timeoutMs} ms were left when it could be issued`,
      );
    }
    if (
      this.count + count > this.limits.maxMessages ||
      this.bytes + bytes > this.limits.maxBytes
    ) {
      throw this.connection.unavailable(
        `Redis is not keeping up (${this.count} messages, ${this.bytes} bytes waiting)`,
      );
    }
    const entry: InFlight = { deadline, bytes, count };
    this.inFlight.add(entry);
    this.bytes += bytes;
    this.count += count;
    if (deadline < this.timerAt) {
      this.arm(deadline);
    }
    let reply: Promise<T>;
    try {
      reply = call(
        this.connection.client,
        deadline - SCRIPT_DEADLINE_MARGIN_MS,
        () => (entry.away = true),
      );
    } catch (error) {
      reply = Promise.reject(this.connection.unavailable(error));
    }
    return new Promise<T>((resolve, reject) => {
      entry.reject = reject;
      reply.then(
        (value) => {
          this.hung = false;
          entry.reject = undefined;
          this.settle(entry);
          resolve(value);
        },
        (error: unknown) => {
          this.settle(entry);
          // Cut before its deadline, or failed without a reply on another
          // node: Redis may still run it until then, so its caller hears
          // at the deadline (expire), not now.
          const unsure =
            entry.away && (error as Error | undefined)?.name !== 'ReplyError';
          if (!entry.cut && !unsure && entry.reject) {
            entry.reject = undefined;
            this.inFlight.delete(entry);
            reject(this.connection.unavailable(error));
          }
        },
      );
    });
  }

  /** Whether no command is in flight or waits for the connection, nor any caller waits to be told. */
  get idle(): boolean {
    return this.inFlight.size === 0 && this.connecting === 0;
  }

  /**
   * Stops the deadline timer and fails every command whose caller has not
   * been told yet (the connection is being closed).
   */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    for (const entry of this.inFlight) {
      entry.reject?.(this.connection.unavailable('the connection is closing'));
      entry.reject = undefined;
      if (entry.settled) {
        this.inFlight.delete(entry);
      }
    }
  }

  private late(): string {
    return `Redis did not answer within ${this.limits.timeoutMs} ms`;
  }

  /**
   * ioredis settled it, so it holds none of its memory any more; it is
   * forgotten once its caller has been told, too.
   */
  private settle(entry: InFlight): void {
    entry.settled = true;
    this.bytes -= entry.bytes;
    this.count -= entry.count;
    if (!entry.reject) {
      this.inFlight.delete(entry);
    }
  }

  /** Runs `expire` at `deadline`, instead of when it was due to run. */
  private arm(deadline: number): void {
    clearTimeout(this.timer);
    this.timerAt = deadline;
    this.timer = setTimeout(
      () => this.expire(),
      Math.max(0, deadline - Date.now()),
    );
    this.timer.unref(); // a deadline must not keep the process alive
  }

  /**
   * Fails every command past its deadline; cuts the connection if one of
   * them had no reply (not one the cut failed already). Deadlines are not in
   * issue order (a command that waited to be issued may have an earlier one
   * than those run before it), so every command is looked at.
   */
  private expire(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    let unanswered = 0;
    let next = Number.POSITIVE_INFINITY;
    for (const entry of this.inFlight) {
      if (entry.deadline > now) {
        if (entry.reject) {
          next = Math.min(next, entry.deadline);
        }
        continue;
      }
      if (entry.reject) {
        entry.reject(this.connection.unavailable(this.late()));
        entry.reject = undefined;
        if (!entry.settled && !entry.away) {
          unanswered++;
        }
      }
      if (entry.settled) {
        this.inFlight.delete(entry);
      }
    }
    if (next < Number.POSITIVE_INFINITY) {
      this.arm(Math.max(next, now + EXPIRY_TICK_MS));
    }
    if (unanswered > 0) {
      const text = `${this.name}: Redis did not answer ${unanswered} commands within ${this.limits.timeoutMs} ms: reconnecting`;
      if (this.hung) {
        this.logger.debug?.(text);
      } else {
        this.hung = true;
        this.logger.warn(
          `${text} (further such lines at debug level until it answers)`,
        );
      }
      this.cutNow();
    }
  }

  /**
   * Cuts the connection now: its commands in flight fail, and their callers
   * hear at their deadlines (Redis may still run them until then).
   */
  cutNow(): void {
    for (const entry of this.inFlight) {
      entry.cut = true;
    }
    this.cut();
  }
}
