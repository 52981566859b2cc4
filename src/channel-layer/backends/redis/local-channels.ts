import type { DropLog } from '../../drop-log';
import { ChannelLayerClosedError } from '../../errors';
import type { ChannelMessage } from '../../interfaces/channel-message.interface';

interface Waiter {
  resolve(message: ChannelMessage): void;
  reject(error: Error): void;
  readonly signal?: AbortSignal;
}

interface LocalChannel {
  readonly buffer: ChannelMessage[];
  waiters: Waiter[];
  /** Sends from this process on their way through Redis, counted against capacity. */
  inFlight: number;
  /** Signals listened to already: a consumer passes the same one to every receive. */
  readonly watched: WeakSet<AbortSignal>;
}

/**
 * The process-local channels of one process, fed by its Redis readers: each
 * message goes to the channel's first waiting receive or into its bounded buffer.
 *
 * A channel lives from `open` until a receive on it is aborted (its consumer
 * is gone, as Channels deletes the buffer on cancellation); messages for
 * channels that are not open are dropped, so nothing piles up for departed
 * consumers. A channel at capacity drops what arrives (a full member is
 * skipped), and this process's own sends to it are refused before they leave.
 */
export class LocalChannels {
  private readonly channels = new Map<string, LocalChannel>();

  /**
   * @param capacityOf the most messages buffered per channel.
   * @param onRelease called when a channel is forgotten.
   * @param drops told of each message dropped for a full channel.
   */
  constructor(
    private readonly capacityOf: (channel: string) => number,
    private readonly onRelease: (channel: string) => void,
    private readonly drops: DropLog,
  ) {}

  get size(): number {
    return this.channels.size;
  }

  /** Starts keeping messages for `channel`. */
  open(channel: string): void {
    if (!this.channels.has(channel)) {
      this.channels.set(channel, {
        buffer: [],
        waiters: [],
        inFlight: 0,
        watched: new WeakSet(),
      });
    }
  }

  /** Whether `channel` is open. */
  has(channel: string): boolean {
    return this.channels.has(channel);
  }

  /** Delivers `message` to `channel` if it is open; false when dropped. */
  push(channel: string, message: ChannelMessage): boolean {
    const local = this.channels.get(channel);
    if (!local) {
      return false;
    }
    if (local.inFlight > 0) {
      local.inFlight--;
    }
    const waiter = local.waiters.shift();
    if (waiter) {
      waiter.resolve(message);
      return true;
    }
    if (local.buffer.length >= this.capacityOf(channel)) {
      this.drops.record('channel_full', channel);
      return false;
    }
    local.buffer.push(message);
    return true;
  }

  /**
   * Counts a send of this process to one of its open channels against the
   * channel's capacity: false when the channel is full. A channel that is not
   * open (released, or another process's) is not counted here.
   */
  reserve(channel: string): boolean {
    const local = this.channels.get(channel);
    if (!local) {
      return true;
    }
    if (local.buffer.length + local.inFlight >= this.capacityOf(channel)) {
      return false;
    }
    local.inFlight++;
    return true;
  }

  /** Undoes `reserve` for a send that did not leave. */
  unreserve(channel: string): void {
    const local = this.channels.get(channel);
    if (local && local.inFlight > 0) {
      local.inFlight--;
    }
  }

  /** The next message of an open channel; an abort releases the channel. */
  take(channel: string, signal?: AbortSignal): Promise<ChannelMessage> {
    this.open(channel);
    const local = this.channels.get(channel) as LocalChannel;
    if (signal?.aborted) {
      this.release(channel, local);
      return Promise.reject(signal.reason as Error);
    }
    const next = local.buffer.shift();
    if (next) {
      return Promise.resolve(next);
    }
    if (signal && !local.watched.has(signal)) {
      local.watched.add(signal);
      signal.addEventListener(
        'abort',
        () => this.cancel(channel, local, signal),
        { once: true },
      );
    }
    return new Promise((resolve, reject) =>
      local.waiters.push({ resolve, reject, signal }),
    );
  }

  /** Drops every buffered message; open channels stay open. */
  clearBuffers(): void {
    for (const local of this.channels.values()) {
      local.buffer.length = 0;
      local.inFlight = 0;
    }
  }

  /** Rejects every waiting receive and forgets every channel. */
  close(): void {
    const error = new ChannelLayerClosedError();
    for (const local of this.channels.values()) {
      for (const waiter of local.waiters.splice(0)) {
        waiter.reject(error);
      }
    }
    this.channels.clear();
  }

  /** Rejects the receives waiting with `signal`, then forgets the channel if none is left. */
  private cancel(
    channel: string,
    local: LocalChannel,
    signal: AbortSignal,
  ): void {
    local.watched.delete(signal);
    const cancelled = local.waiters.filter(
      (waiter) => waiter.signal === signal,
    );
    if (cancelled.length === 0 || this.channels.get(channel) !== local) {
      return;
    }
    local.waiters = local.waiters.filter((waiter) => waiter.signal !== signal);
    for (const waiter of cancelled) {
      waiter.reject(signal.reason as Error);
    }
    this.release(channel, local);
  }

  /** Forgets a channel once no receive waits on it. */
  private release(channel: string, local: LocalChannel): void {
    if (local.waiters.length === 0) {
      this.channels.delete(channel);
      this.onRelease(channel);
    }
  }
}
