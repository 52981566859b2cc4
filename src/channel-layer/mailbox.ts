import type { ChannelMessage } from './interfaces/channel-message.interface';
import type { MessageListener } from './interfaces/message-listener.interface';

interface Queued {
  readonly message: ChannelMessage;
  readonly expiresAt: number;
}

/** A pulling `receive` waiting for the channel's next message. */
export interface Waiter {
  resolve(message: ChannelMessage): void;
  reject(error: Error): void;
  readonly signal?: AbortSignal;
}

/** What every mailbox of a process shares: its rules and where listener errors go. */
export interface MailboxRules {
  readonly expiryMs: number;
  now(): number;
  listenerFailed(channel: string, error: unknown): void;
  /** Told of `count` messages of `channel` dropped because they waited past the expiry. */
  expired(channel: string, count: number): void;
}

/**
 * One channel of this process: its bounded buffer, the receives waiting on
 * it and its listener. A message goes to the listener (when it is idle and
 * nothing waits before it), else to the first waiting receive, else into the
 * buffer; a listener's returned promise holds the buffer until it settles.
 */
export class Mailbox {
  private readonly buffer: Queued[] = [];
  waiters: Waiter[] = [];
  /** Sends from this process on their way through a transport, counted against capacity. */
  inFlight = 0;
  /** Opened by `newChannel` or a receive: kept when empty, until released. */
  open = false;
  /**
   * Signals listened to already (a consumer passes the same one to every
   * receive); made on the first, as is `settled` on the first listener
   * promise: an idle consumer's mailbox costs its memory as long as it lives.
   */
  private watched?: WeakSet<AbortSignal>;
  private listener?: MessageListener;
  private listenSignal?: AbortSignal;
  private listenContext: unknown;
  private busy = false;
  private settled?: () => void;

  constructor(
    readonly channel: string,
    readonly capacity: number,
    private readonly rules: MailboxRules,
  ) {}

  /** Messages buffered and in flight, expired ones left out. */
  get size(): number {
    return this.live().length + this.inFlight;
  }

  /** Whether nothing waits on, listens to or is kept in this mailbox. */
  get idle(): boolean {
    return !this.listener && this.waiters.length === 0 && this.size === 0;
  }

  get listening(): boolean {
    return this.listener !== undefined;
  }

  /** Hands `message` on or buffers it; false when the buffer is full. */
  deliver(message: ChannelMessage): boolean {
    if (this.listener && !this.busy && this.buffer.length === 0) {
      this.run(this.listener, message);
      this.drain();
      return true;
    }
    const waiter = this.listener ? undefined : this.waiters.shift();
    if (waiter) {
      waiter.resolve(message);
      return true;
    }
    if (this.live().length >= this.capacity) {
      return false;
    }
    this.buffer.push({
      message,
      expiresAt: this.rules.now() + this.rules.expiryMs,
    });
    return true;
  }

  /** The next buffered message, if any. */
  next(): ChannelMessage | undefined {
    if (this.buffer.length === 0) {
      return undefined; // the common case, without reading the clock
    }
    return this.live().shift()?.message;
  }

  /** Whether `signal` was not watched yet; it is from now on. */
  watch(signal: AbortSignal): boolean {
    this.watched ??= new WeakSet();
    if (this.watched.has(signal)) {
      return false;
    }
    this.watched.add(signal);
    return true;
  }

  unwatch(signal: AbortSignal): void {
    this.watched?.delete(signal);
  }

  /** Pushes every later message, and what is buffered now, to `listener` with `context` (see `unlisten`). */
  listen(
    listener: MessageListener,
    signal: AbortSignal | undefined,
    context: unknown,
  ): void {
    this.listener = listener;
    this.listenSignal = signal;
    this.listenContext = context;
    this.drain();
  }

  /**
   * Stops pushing if the listener listens with `signal` (undefined: without
   * one); a message the listener still works on finishes.
   */
  unlisten(signal: AbortSignal | undefined): void {
    if (signal === this.listenSignal) {
      this.stopListening();
    }
  }

  /** Stops pushing to the listener, whichever it is. */
  stopListening(): void {
    this.listener = undefined;
    this.listenSignal = undefined;
    this.listenContext = undefined;
  }

  /** Drops every buffered message. */
  clear(): void {
    this.buffer.length = 0;
    this.inFlight = 0;
  }

  /** Drops the expired messages at the head (expiry grows along the buffer). */
  private live(): Queued[] {
    const now = this.rules.now();
    let expired = 0;
    while (
      expired < this.buffer.length &&
      this.buffer[expired].expiresAt <= now
    ) {
      expired++;
    }
    if (expired > 0) {
      this.buffer.splice(0, expired);
      this.rules.expired(this.channel, expired);
    }
    return this.buffer;
  }

  /** Pushes buffered messages while the listener is idle. */
  private drain(): void {
    while (this.listener && !this.busy) {
      const message = this.next();
      if (!message) {
        return;
      }
      this.run(this.listener, message);
    }
  }

  private run(listener: MessageListener, message: ChannelMessage): void {
    this.busy = true;
    let pending: Promise<void> | void = undefined;
    try {
      pending = listener(message, this.channel, this.listenContext);
    } catch (error) {
      this.rules.listenerFailed(this.channel, error);
    }
    if (pending) {
      const settled = (this.settled ??= (): void => {
        this.busy = false;
        this.drain();
      });
      pending.then(settled, (error: unknown) => {
        this.rules.listenerFailed(this.channel, error);
        settled();
      });
    } else {
      this.busy = false;
    }
  }
}
