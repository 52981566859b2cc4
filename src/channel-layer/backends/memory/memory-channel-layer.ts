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
import { deepFreeze } from '../../deep-freeze';
import { ChannelFullError, ChannelLayerClosedError } from '../../errors';
import type { ChannelMessage } from '../../interfaces/channel-message.interface';
import type { GroupSendResult } from '../../interfaces/group-send-result.interface';
import type { MemoryChannelLayerOptions } from '../../interfaces/channel-layer-options.interface';
import type {
  ListenOptions,
  MessageListener,
} from '../../interfaces/message-listener.interface';
import type { ReceiveOptions } from '../../interfaces/receive-options.interface';
import { LocalMailboxes } from '../../local-mailboxes';
import { randomToken } from '../../random-token';

/**
 * The embedded layer of one process, as Channels' `InMemoryChannelLayer`:
 * for development, tests and single-instance deployments. Its transport is
 * no transport: sends go straight into the process's mailboxes.
 */
export class MemoryChannelLayer implements ChannelLayer {
  private readonly groups = new Map<string, Map<string, number>>();
  private readonly mailboxes: LocalMailboxes;
  private readonly groupExpiryMs: number;
  private readonly now: () => number;
  private readonly processId = randomToken();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(options: Omit<MemoryChannelLayerOptions, 'backend'> = {}) {
    const capacities = new CapacityRules(
      options.capacity ?? DEFAULT_CAPACITY,
      options.channelCapacity,
    );
    const expiryMs = (options.expiry ?? DEFAULT_EXPIRY_S) * 1000;
    this.groupExpiryMs = (options.groupExpiry ?? DEFAULT_GROUP_EXPIRY_S) * 1000;
    this.now = options.now ?? Date.now;
    this.mailboxes = new LocalMailboxes({
      capacityOf: (channel) => capacities.capacityOf(channel),
      expiryMs,
      now: this.now,
      keepsUnopened: true,
      logger: new Logger(MemoryChannelLayer.name),
    });
    this.sweeper = setInterval(() => this.sweep(), expiryMs);
    this.sweeper.unref(); // an expiry sweep must not keep the process alive
  }

  async newChannel(prefix = DEFAULT_CHANNEL_PREFIX): Promise<string> {
    this.assertOpen();
    const channel = `${prefix}.${this.processId}!${randomToken()}`;
    assertChannelName(channel);
    this.mailboxes.open(channel);
    return channel;
  }

  async send(channel: string, message: ChannelMessage): Promise<void> {
    this.assertOpen();
    assertChannelName(channel);
    assertMessage(message);
    if (
      !this.mailboxes.deliver(channel, deepFreeze(structuredClone(message)))
    ) {
      throw new ChannelFullError(channel);
    }
  }

  async receive(
    channel: string,
    options: ReceiveOptions = {},
  ): Promise<ChannelMessage> {
    this.assertOpen();
    assertChannelName(channel);
    return this.mailboxes.take(channel, options.signal);
  }

  async listen(
    channel: string,
    listener: MessageListener,
    options: ListenOptions,
  ): Promise<void> {
    this.assertOpen();
    assertChannelName(channel);
    this.mailboxes.listen(channel, listener, options.signal);
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
    if (!members) {
      return { accepted: 0, full: 0 };
    }
    this.dropLapsed(members);
    // One copy for all members: a received message is frozen.
    return this.mailboxes.deliverToEach(
      members.keys(),
      structuredClone(message),
    );
  }

  async flush(): Promise<void> {
    this.mailboxes.clear();
    this.groups.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    this.mailboxes.close();
    await this.flush();
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  /**
   * Forgets memberships older than the group expiry, except those of open
   * channels: a connection open for longer keeps its room.
   */
  private dropLapsed(members: Map<string, number>): void {
    const joinedAfter = this.now() - this.groupExpiryMs;
    for (const [channel, joinedAt] of members) {
      if (joinedAt < joinedAfter && !this.mailboxes.isOpen(channel)) {
        members.delete(channel);
      }
    }
  }

  /** Drops expired messages and lapsed memberships nobody touched. */
  private sweep(): void {
    this.mailboxes.sweep();
    for (const [group, members] of this.groups) {
      this.dropLapsed(members);
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
