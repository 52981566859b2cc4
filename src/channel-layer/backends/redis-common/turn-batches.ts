import { DEFAULT_COMMAND_LIMITS } from './command-gate';

/** Bounds of one batch: a script runs alone in Redis, so none may run long. */
export interface BatchLimits {
  /** Calls per batch at most. */
  readonly maxCalls: number;
  /** Payload bytes per batch at most (a single larger call is a batch of its own). */
  readonly maxBytes: number;
  /** Calls waiting to be issued at most (held behind `after`, or for the turn's end); more fail at once. */
  readonly maxWaiting: number;
  /** Payload bytes of the calls waiting to be issued at most; more fail at once. */
  readonly maxWaitingBytes: number;
  /**
   * Milliseconds a call held behind `after` waits at most: then its deadline,
   * counted from its issue, has passed, so it fails and is never issued.
   */
  readonly maxWaitMs: number;
}

/**
 * Calls and bytes that may wait to be issued: as many as a `CommandGate`
 * lets be in flight; and for as long as a command may take.
 */
export const DEFAULT_WAITING_LIMITS = {
  maxWaiting: DEFAULT_COMMAND_LIMITS.maxMessages,
  maxWaitingBytes: DEFAULT_COMMAND_LIMITS.maxBytes,
  maxWaitMs: DEFAULT_COMMAND_LIMITS.timeoutMs,
} as const;

interface Call<I, O> {
  readonly input: I;
  readonly bytes: number;
  /** When it was added (Unix ms): its deadline counts from then. */
  readonly issuedAt: number;
  /** Fails it once it has waited `maxWaitMs` behind `after`. */
  expiry?: NodeJS.Timeout;
  readonly resolve: (output: O) => void;
  readonly reject: (error: unknown) => void;
}

/** Calls that may be issued once `after` settles (at once if it is absent). */
interface Segment<I, O> {
  readonly after?: Promise<unknown>;
  /** `after`, settled whether or not it failed. */
  readonly ready?: Promise<void>;
  readonly calls: Call<I, O>[];
}

const ignore = (): void => undefined;

/**
 * Gathers the calls made during one event-loop turn and issues them as few
 * commands (one script run for many publishes, say), in call order: a Redis
 * command costs its caller and Redis a fixed price several times that of
 * the work it carries, so a burst pays it once per batch, not once per call.
 * A turn's first call, and the calls made with it before the microtasks
 * then queued run out, go as one batch as soon as they do (a
 * `process.nextTick`), so a paced load waits for nothing and the sends
 * that one read of replies sets off share a batch; the turn's later calls
 * wait for its end (a `setImmediate`) and go together. A call may have to wait for something first (subscriptions in
 * flight); later calls then wait behind it, so no call is issued before an
 * earlier one. ioredis's auto-pipelining only shares a write between
 * commands; it cannot merge them, so this is written here.
 */
export class TurnBatches<I, O> {
  private readonly segments: Segment<I, O>[] = [];
  /** Whether a drain is due at the turn's end or running: calls then queue behind. */
  private draining = false;
  /** The turn's first calls, until the microtasks queued with them run out. */
  private opening?: Call<I, O>[];
  /** Calls not issued yet, and their payload bytes. */
  private waiting = 0;
  private waitingBytes = 0;

  /**
   * @param issue runs one batch; resolves with one output per input, in
   * order. `issuedAt` is when its first (oldest) call was added.
   * @param refuse the error of a call over `maxWaiting` or `maxWaitingBytes`,
   * or that waited `maxWaitMs`, for its cause.
   * @param noun what the calls are, in that cause.
   */
  constructor(
    private readonly issue: (
      inputs: I[],
      bytes: number,
      issuedAt: number,
    ) => Promise<O[]>,
    private readonly limits: BatchLimits,
    private readonly refuse: (cause: string) => Error,
    private readonly noun: string,
  ) {}

  /**
   * Queues `input`, to be issued after `after` settles (whether or not it
   * fails) and after every call queued before it.
   */
  add(input: I, bytes: number, after?: Promise<unknown>): Promise<O> {
    const issuedAt = Date.now();
    if (!this.draining && !after) {
      // The turn's first call, with nothing to wait for: it opens the batch
      // issued once the microtasks queued with it have run.
      this.scheduleDrain();
      return new Promise<O>((resolve, reject) => {
        this.opening = [{ input, bytes, issuedAt, resolve, reject }];
        process.nextTick(() => this.open());
      });
    }
    if (
      this.waiting >= this.limits.maxWaiting ||
      this.waitingBytes + bytes > this.limits.maxWaitingBytes
    ) {
      return Promise.reject(
        this.refuse(
          `Redis is not keeping up (${this.waiting} ${this.noun}, ${this.waitingBytes} bytes wait to be issued)`,
        ),
      );
    }
    this.waiting++;
    this.waitingBytes += bytes;
    return new Promise<O>((resolve, reject) => {
      const call: Call<I, O> = { input, bytes, issuedAt, resolve, reject };
      if (this.opening && !after && this.segments.length === 0) {
        this.opening.push(call);
        return;
      }
      let last = this.segments.at(-1);
      if (!last || last.after !== after) {
        last = { after, ready: after?.then(ignore, ignore), calls: [] };
        this.segments.push(last);
      }
      last.calls.push(call);
      if (after) {
        const segment = last;
        call.expiry = setTimeout(() => {
          // Out of its segment, so never issued; what it held is free.
          segment.calls.splice(segment.calls.indexOf(call), 1);
          this.waiting--;
          this.waitingBytes -= bytes;
          reject(
            this.refuse(
              `waited ${this.limits.maxWaitMs} ms to be issued, behind what it must follow`,
            ),
          );
        }, this.limits.maxWaitMs);
        call.expiry.unref(); // a wait must not keep the process alive
      }
      if (!this.draining) {
        this.scheduleDrain();
      }
    });
  }

  /** Issues the opening calls; the first one was never counted as waiting. */
  private open(): void {
    const calls = this.opening as Call<I, O>[];
    this.opening = undefined;
    this.waiting -= calls.length - 1;
    for (let i = 1; i < calls.length; i++) {
      this.waitingBytes -= calls[i].bytes;
    }
    this.send(calls);
  }

  /** Drains at the turn's end; until then later calls queue. */
  private scheduleDrain(): void {
    this.draining = true;
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (this.segments.length > 0) {
      const { ready } = this.segments[0];
      if (ready) {
        await ready;
      }
      const { calls } = this.segments.shift() as Segment<I, O>;
      this.waiting -= calls.length;
      for (const call of calls) {
        this.waitingBytes -= call.bytes;
        clearTimeout(call.expiry);
      }
      if (calls.length > 0) {
        this.send(calls);
      }
    }
    this.draining = false;
  }

  /** Issues `calls` in batches within the limits, in order. */
  private send(calls: Call<I, O>[]): void {
    let start = 0;
    let bytes = 0;
    for (let end = 0; end < calls.length; end++) {
      const size = calls[end].bytes;
      if (
        end > start &&
        (end - start === this.limits.maxCalls ||
          bytes + size > this.limits.maxBytes)
      ) {
        this.run(calls.slice(start, end), bytes);
        start = end;
        bytes = 0;
      }
      bytes += size;
    }
    this.run(start === 0 ? calls : calls.slice(start), bytes);
  }

  private run(batch: Call<I, O>[], bytes: number): void {
    let issued: Promise<O[]>;
    try {
      issued = this.issue(
        batch.map((call) => call.input),
        bytes,
        batch[0].issuedAt,
      );
    } catch (error) {
      // A throwing `issue` fails its batch, not the drain (nor the process).
      batch.forEach((call) => call.reject(error));
      return;
    }
    issued.then(
      (outputs) => batch.forEach((call, i) => call.resolve(outputs[i])),
      (error: unknown) => batch.forEach((call) => call.reject(error)),
    );
  }
}
