import type { ChannelLayer } from '../../channel-layer';
import { Logger } from '@nestjs/common';
import { assertMessage } from '../../assert-message';
import { CapacityRules } from '../../capacity';
import {
  DEFAULT_CAPACITY,
  DEFAULT_CHANNEL_PREFIX,
  DEFAULT_EXPIRY_S,
  DEFAULT_GROUP_EXPIRY_S,
} from '../../channel-layer.constants';
import { assertChannelName, assertGroupName } from '../../channel-names';
import { ChannelFullError, ChannelLayerClosedError } from '../../errors';
import type { ChannelMessage } from '../../interfaces/channel-message.interface';
import type { GroupSendResult } from '../../interfaces/group-send-result.interface';
import type { MemoryChannelLayerOptions } from '../../interfaces/channel-layer-options.interface';
import type { ReceiveOptions } from '../../interfaces/receive-options.interface';
import { randomToken } from '../../random-token';
import { DropLog } from '../../drop-log';

interface Queued {
  readonly message: ChannelMessage;
  readonly expiresAt: number;
}

interface Waiter {
  resolve(message: ChannelMessage): void;
  reject(error: Error): void;
  readonly signal?: AbortSignal;
}

/**
 * The embedded layer of one process, as Channels' `InMemoryChannelLayer`:
 * for development, tests and single-instance deployments.
 *
 * A message handed to a waiting `receive` skips the queue; an aborted receive
 * leaves the waiter list synchronously, so a message always goes to a live one.
 */
export class MemoryChannelLayer implements ChannelLayer {
  private readonly queues = new Map<string, Queued[]>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly groups = new Map<string, Map<string, number>>();
  /**
   * Channels from `newChannel` whose consumer lives: until a receive on them
   * is aborted. Their memberships do not lapse (a connection open for longer
   * than `groupExpiry` keeps its room).
   */
  private readonly live = new Set<string>();
  /**
   * Signals listened to already, with the channels their receives wait on: a
   * consumer passes one signal to every receive, so it is listened to once,
   * not added and removed around each message.
   */
  private readonly watched = new WeakMap<AbortSignal, string[]>();
  private readonly capacities: CapacityRules;
  private readonly expiryMs: number;
  private readonly groupExpiryMs: number;
  private readonly now: () => number;
  private readonly processId = randomToken();
  private readonly drops = new DropLog(new Logger(MemoryChannelLayer.name));
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(options: Omit<MemoryChannelLayerOptions, 'backend'> = {}) {
    this.capacities = new CapacityRules(
      options.capacity ?? DEFAULT_CAPACITY,
      options.channelCapacity,
    );
    this.expiryMs = (options.expiry ?? DEFAULT_EXPIRY_S) * 1000;
    this.groupExpiryMs = (options.groupExpiry ?? DEFAULT_GROUP_EXPIRY_S) * 1000;
    this.now = options.now ?? Date.now;
    this.sweeper = setInterval(() => this.sweep(), this.expiryMs);
    this.sweeper.unref(); // an expiry sweep must not keep the process alive
  }

  async newChannel(prefix = DEFAULT_CHANNEL_PREFIX): Promise<string> {
    this.assertOpen();
    const channel = `${prefix}.${this.processId}!${randomToken()}`;
    assertChannelName(channel);
    this.live.add(channel);
    return channel;
  }

  async send(channel: string, message: ChannelMessage): Promise<void> {
    this.assertOpen();
    assertChannelName(channel);
    assertMessage(message);
    if (!this.deliver(channel, structuredClone(message))) {
      throw new ChannelFullError(channel);
    }
  }

  async receive(
    channel: string,
    options: ReceiveOptions = {},
  ): Promise<ChannelMessage> {
    this.assertOpen();
    assertChannelName(channel);
    const { signal } = options;
    if (signal?.aborted) {
      this.release(channel);
      throw signal.reason as Error;
    }
    const queued = this.take(channel);
    if (queued) {
      return queued;
    }
    if (signal) {
      this.watch(signal, channel);
    }
    return new Promise<ChannelMessage>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      const list = this.waiters.get(channel);
      if (list) {
        list.push(waiter);
      } else {
        this.waiters.set(channel, [waiter]);
      }
    });
  }

  async groupAdd(group: string, channel: string): Promise<void> {
    this.assertOpen();
    assertGroupName(group);
    assertChannelName(channel);
    let members = this.groups.get(group);
    if (!members) {
      members = new Map();
      this.groups.set(group, members);
    }
    members.set(channel, this.now());
  }

  async groupDiscard(group: string, channel: string): Promise<void> {
    this.assertOpen();
    assertGroupName(group);
    assertChannelName(channel);
    const members = this.groups.get(group);
    if (members?.delete(channel) && members.size === 0) {
      this.groups.delete(group);
    }
  }

  async groupSend(
    group: string,
    message: ChannelMessage,
  ): Promise<GroupSendResult> {
    this.assertOpen();
    assertGroupName(group);
    assertMessage(message);
    const members = this.groups.get(group);
    let accepted = 0;
    let full = 0;
    if (members) {
      // One copy for all members: received messages are read-only.
      const copy = structuredClone(message);
      const joinedAfter = this.now() - this.groupExpiryMs;
      for (const [channel, joinedAt] of members) {
        if (joinedAt < joinedAfter && !this.live.has(channel)) {
          members.delete(channel);
        } else if (this.deliver(channel, copy)) {
          accepted++;
        } else {
          full++;
          this.drops.record('channel_full', channel);
        }
      }
    }
    return { accepted, full };
  }

  async flush(): Promise<void> {
    this.queues.clear();
    this.groups.clear();
  }

  /** Forgets a channel whose consumer is gone: its queue, and its liveness. */
  private release(channel: string): void {
    if (!this.waiters.has(channel)) {
      this.live.delete(channel);
      this.queues.delete(channel);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    const error = new ChannelLayerClosedError();
    const waiters = [...this.waiters.values()].flat();
    this.waiters.clear();
    this.live.clear();
    for (const waiter of waiters) {
      waiter.reject(error);
    }
    await this.flush();
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  /** Hands `message` to a waiting receiver or queues it; false when full. */
  private deliver(channel: string, message: ChannelMessage): boolean {
    const list = this.waiters.get(channel);
    const waiter = list?.shift();
    if (waiter) {
      if (list?.length === 0) {
        this.waiters.delete(channel);
      }
      waiter.resolve(message);
      return true;
    }
    const queue = this.liveQueue(channel);
    if (queue.length >= this.capacities.capacityOf(channel)) {
      return false;
    }
    queue.push({ message, expiresAt: this.now() + this.expiryMs });
    this.queues.set(channel, queue);
    return true;
  }

  private take(channel: string): ChannelMessage | undefined {
    const queue = this.liveQueue(channel);
    const next = queue.shift();
    if (queue.length === 0) {
      this.queues.delete(channel);
    }
    return next?.message;
  }

  /** The channel's queue without its expired head (expiry grows along the queue). */
  private liveQueue(channel: string): Queued[] {
    const queue = this.queues.get(channel) ?? [];
    const now = this.now();
    let expired = 0;
    while (expired < queue.length && queue[expired].expiresAt <= now) {
      expired++;
    }
    if (expired > 0) {
      queue.splice(0, expired);
      this.drops.record('expired', channel, expired);
    }
    return queue;
  }

  /** Listens to `signal` once for all of its receives on `channel`. */
  private watch(signal: AbortSignal, channel: string): void {
    const channels = this.watched.get(signal);
    if (channels) {
      if (!channels.includes(channel)) {
        channels.push(channel);
      }
      return;
    }
    this.watched.set(signal, [channel]);
    signal.addEventListener('abort', () => this.cancel(signal), {
      once: true,
    });
  }

  /** Rejects, synchronously, every receive waiting with `signal`. */
  private cancel(signal: AbortSignal): void {
    for (const channel of this.watched.get(signal) ?? []) {
      const list = this.waiters.get(channel) ?? [];
      const cancelled = list.filter((waiter) => waiter.signal === signal);
      const left = list.filter((waiter) => waiter.signal !== signal);
      if (left.length === 0) {
        this.waiters.delete(channel);
      } else {
        this.waiters.set(channel, left);
      }
      for (const waiter of cancelled) {
        waiter.reject(signal.reason as Error);
      }
      this.release(channel);
    }
    this.watched.delete(signal);
  }

  /** Drops expired messages and lapsed memberships nobody touched. */
  private sweep(): void {
    for (const channel of [...this.queues.keys()]) {
      if (this.liveQueue(channel).length === 0) {
        this.queues.delete(channel);
      }
    }
    const joinedAfter = this.now() - this.groupExpiryMs;
    for (const [group, members] of this.groups) {
      for (const [channel, joinedAt] of members) {
        if (joinedAt < joinedAfter && !this.live.has(channel)) {
          members.delete(channel);
        }
      }
      if (members.size === 0) {
        this.groups.delete(group);
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new ChannelLayerClosedError();
    }
  }
}
