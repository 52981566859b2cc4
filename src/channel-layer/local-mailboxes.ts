import type { Logger } from '@nestjs/common';
import { deepFreeze } from './deep-freeze';
import { DropLog } from './drop-log';
import { ChannelLayerClosedError } from './errors';
import type { ChannelMessage } from './interfaces/channel-message.interface';
import type {
  ListenOptions,
  MessageListener,
} from './interfaces/message-listener.interface';
import { Mailbox, type MailboxRules } from './mailbox';

/** How a process's mailboxes behave. */
export interface LocalMailboxesOptions {
  /** The most messages buffered per channel. */
  capacityOf(channel: string): number;
  /** Milliseconds a buffered message is kept. */
  readonly expiryMs: number;
  /** @default Date.now */
  now?: () => number;
  /**
   * Whether a message for a channel nobody opened is kept until someone
   * receives it (the memory layer's named channels), or dropped (a transport
   * only feeds the channels of this process's consumers).
   */
  readonly keepsUnopened: boolean;
  /** Called when a channel is forgotten (its consumer is gone). */
  onRelease?: (channel: string) => void;
  readonly logger: Logger;
}

/**
 * The local delivery core every backend feeds: the channels of this process,
 * their bounded mailboxes (capacity, expiry), the receives waiting on them,
 * their listeners, and release when a consumer's signal aborts (as Channels
 * deletes a channel's buffer when its consumer is cancelled). Backends are
 * transports: they bring messages here and take them elsewhere.
 */
export class LocalMailboxes {
  private readonly mailboxes = new Map<string, Mailbox>();
  private readonly drops: DropLog;
  private readonly rules: MailboxRules;

  constructor(private readonly options: LocalMailboxesOptions) {
    this.drops = new DropLog(options.logger);
    const now = options.now ?? Date.now;
    this.rules = {
      expiryMs: options.expiryMs,
      now,
      listenerFailed: (channel, error) =>
        options.logger.error(`listener of ${channel} failed: ${String(error)}`),
      expired: (channel, count) => this.drops.record('expired', channel, count),
    };
  }

  /** Keeps a mailbox for `channel` until it is released. */
  open(channel: string): void {
    this.mailboxOf(channel, true).open = true;
  }

  /** Whether `channel` is open (from `newChannel` or a receive, not yet released). */
  isOpen(channel: string): boolean {
    return this.mailboxes.get(channel)?.open === true;
  }

  /**
   * Delivers `message` to `channel`: true when it was taken, false when the
   * channel is full, or is not open and unopened channels are not kept.
   */
  deliver(channel: string, message: ChannelMessage): boolean {
    const mailbox = this.options.keepsUnopened
      ? this.mailboxOf(channel, false)
      : this.mailboxes.get(channel);
    return mailbox?.deliver(message) ?? false;
  }

  /**
   * Delivers a message that arrived for several channels (a group send) to
   * each: one frozen object for all, no copy per member. A full channel
   * skips it, and the drop is recorded.
   */
  deliverToEach(
    channels: Iterable<string>,
    message: ChannelMessage,
  ): { accepted: number; full: number } {
    deepFreeze(message);
    let accepted = 0;
    let full = 0;
    for (const channel of channels) {
      const mailbox = this.options.keepsUnopened
        ? this.mailboxOf(channel, false)
        : this.mailboxes.get(channel);
      if (!mailbox) {
        continue;
      }
      if (mailbox.inFlight > 0) {
        mailbox.inFlight--;
      }
      if (mailbox.deliver(message)) {
        accepted++;
      } else {
        full++;
        this.drops.record('channel_full', channel);
      }
    }
    return { accepted, full };
  }

  /**
   * Counts a send of this process to one of its open channels against the
   * channel's capacity, before it leaves through a transport: false when full.
   */
  reserve(channel: string): boolean {
    const mailbox = this.mailboxes.get(channel);
    if (!mailbox) {
      return true;
    }
    if (mailbox.size >= mailbox.capacity) {
      return false;
    }
    mailbox.inFlight++;
    return true;
  }

  /** Undoes `reserve` for a send that did not leave. */
  unreserve(channel: string): void {
    const mailbox = this.mailboxes.get(channel);
    if (mailbox && mailbox.inFlight > 0) {
      mailbox.inFlight--;
    }
  }

  /**
   * The next message of `channel`; an abort releases the channel, and an
   * aborted signal also stops a listener that listens without one.
   */
  take(channel: string, signal?: AbortSignal): Promise<ChannelMessage> {
    const mailbox = this.mailboxOf(channel, !this.options.keepsUnopened);
    if (signal?.aborted) {
      mailbox.unlisten(undefined);
      this.release(mailbox);
      return Promise.reject(signal.reason as Error);
    }
    const next = mailbox.next();
    if (next) {
      return Promise.resolve(next);
    }
    this.watch(mailbox, signal);
    return new Promise((resolve, reject) =>
      mailbox.waiters.push({ resolve, reject, signal }),
    );
  }

  /**
   * Pushes each message of `channel` to `listener`, with `context`, until
   * `signal` aborts, which releases the channel; without a signal, until the
   * channel is released (`take` with an aborted signal).
   */
  listen<C>(
    channel: string,
    listener: MessageListener<C>,
    { signal, context }: ListenOptions<C>,
  ): void {
    const mailbox = this.mailboxOf(channel, true);
    mailbox.open = true;
    if (signal?.aborted) {
      this.release(mailbox);
      return;
    }
    this.watch(mailbox, signal);
    // The mailbox keeps the listener with the context it was given for.
    mailbox.listen(listener as MessageListener, signal, context);
  }

  /** Drops expired messages, and mailboxes nobody opened that hold nothing. */
  sweep(): void {
    for (const mailbox of this.mailboxes.values()) {
      if (!mailbox.open && mailbox.idle) {
        this.mailboxes.delete(mailbox.channel);
      }
    }
  }

  /** Drops every buffered message; open channels stay open. */
  clear(): void {
    for (const mailbox of this.mailboxes.values()) {
      mailbox.clear();
    }
  }

  /** Rejects every waiting receive, stops every listener and forgets every channel. */
  close(): void {
    const error = new ChannelLayerClosedError();
    for (const mailbox of this.mailboxes.values()) {
      mailbox.stopListening();
      for (const waiter of mailbox.waiters.splice(0)) {
        waiter.reject(error);
      }
    }
    this.mailboxes.clear();
  }

  private mailboxOf(channel: string, open: boolean): Mailbox {
    let mailbox = this.mailboxes.get(channel);
    if (!mailbox) {
      mailbox = new Mailbox(
        channel,
        this.options.capacityOf(channel),
        this.rules,
      );
      mailbox.open = open;
      this.mailboxes.set(channel, mailbox);
    }
    return mailbox;
  }

  /** Listens to `signal` once for all of its receives on the mailbox. */
  private watch(mailbox: Mailbox, signal: AbortSignal | undefined): void {
    if (signal && mailbox.watch(signal)) {
      signal.addEventListener('abort', () => this.cancel(mailbox, signal), {
        once: true,
      });
    }
  }

  /** Rejects the receives waiting with `signal`, stops its listener, then releases. */
  private cancel(mailbox: Mailbox, signal: AbortSignal): void {
    mailbox.unwatch(signal);
    if (this.mailboxes.get(mailbox.channel) !== mailbox) {
      return;
    }
    const cancelled = mailbox.waiters.filter(
      (waiter) => waiter.signal === signal,
    );
    mailbox.waiters = mailbox.waiters.filter(
      (waiter) => waiter.signal !== signal,
    );
    for (const waiter of cancelled) {
      waiter.reject(signal.reason as Error);
    }
    mailbox.unlisten(signal);
    this.release(mailbox);
  }

  /** Forgets a channel once no receive waits on it. */
  private release(mailbox: Mailbox): void {
    if (mailbox.waiters.length === 0 && !mailbox.listening) {
      if (this.mailboxes.get(mailbox.channel) === mailbox) {
        this.mailboxes.delete(mailbox.channel);
      }
      this.options.onRelease?.(mailbox.channel);
    }
  }
}
