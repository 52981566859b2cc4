import { Logger } from '@nestjs/common';
import type { ChannelLayer } from '../../channel-layer';
import { frozenCopy } from '../../frozen-copy';
import { ChannelFullError } from '../../errors';
import type { ChannelMessage } from '../../interfaces/channel-message.interface';
import type { GroupSendResult } from '../../interfaces/group-send-result.interface';
import type { MemoryChannelLayerOptions } from '../../interfaces/channel-layer-options.interface';
import type {
  ListenOptions,
  MessageListener,
} from '../../interfaces/message-listener.interface';
import type { ReceiveOptions } from '../../interfaces/receive-options.interface';
import { LayerCore } from '../../layer-core';
import { layerSettings } from '../../layer-settings';
import { randomToken } from '../../random-token';

/**
 * The embedded layer of one process, as Channels' `InMemoryChannelLayer`:
 * for development, tests and single-instance deployments. Its transport is
 * no transport: sends go straight into the process's mailboxes.
 */
export class MemoryChannelLayer implements ChannelLayer {
  private readonly core: LayerCore;
  private readonly groups = new Map<string, Map<string, number>>();
  private readonly groupExpiryMs: number;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: Omit<MemoryChannelLayerOptions, 'backend'> = {}) {
    const settings = layerSettings(options);
    this.now = options.now ?? Date.now;
    this.core = new LayerCore(
      { processId: randomToken(), token: () => randomToken() },
      {
        capacityOf: (channel) => settings.capacities.capacityOf(channel),
        expiryMs: settings.expiry * 1000,
        now: this.now,
        keepsUnopened: true,
        logger: new Logger(MemoryChannelLayer.name),
      },
      {
        flush: async () => this.groups.clear(),
        close: async () => {
          clearInterval(this.sweeper);
          this.groups.clear();
        },
      },
    );
    this.groupExpiryMs = settings.groupExpiry * 1000;
    this.sweeper = setInterval(() => this.sweep(), settings.expiry * 1000);
    this.sweeper.unref(); // an expiry sweep must not keep the process alive
  }

  newChannel(prefix?: string): Promise<string> {
    return this.core.newChannel(prefix);
  }

  async send(channel: string, message: ChannelMessage): Promise<void> {
    this.core.checkSend(channel, message);
    const frozen = frozenCopy(message);
    if (!this.core.mailboxes.deliver(channel, frozen)) {
      throw new ChannelFullError(channel);
    }
  }

  receive(channel: string, options?: ReceiveOptions): Promise<ChannelMessage> {
    return this.core.receive(channel, options);
  }

  listen<C>(
    channel: string,
    listener: MessageListener<C>,
    options: ListenOptions<C> = {},
  ): Promise<void> {
    return this.core.listen(channel, listener, options);
  }

  async groupAdd(group: string, channel: string): Promise<void> {
    this.core.checkMembership(group, channel);
    let members = this.groups.get(group);
    if (!members) {
      members = new Map();
      this.groups.set(group, members);
    }
    // Re-inserted, so that the members stay in the order they joined.
    members.delete(channel);
    members.set(channel, this.now());
  }

  async groupDiscard(group: string, channel: string): Promise<void> {
    this.core.checkMembership(group, channel);
    const members = this.groups.get(group);
    if (members?.delete(channel) && members.size === 0) {
      this.groups.delete(group);
    }
  }

  async groupSend(
    group: string,
    message: ChannelMessage,
  ): Promise<GroupSendResult> {
    this.core.checkGroupSend(group, message);
    const members = this.groups.get(group);
    if (!members) {
      return { accepted: 0, full: 0 };
    }
    this.dropLapsed(members);
    // One frozen copy for all members.
    return this.core.mailboxes.deliverToEach(
      members.keys(),
      frozenCopy(message),
    );
  }

  flush(): Promise<void> {
    return this.core.flush();
  }

  close(): Promise<void> {
    return this.core.close();
  }

  async ping(): Promise<void> {
    this.core.assertOpen();
  }

  /**
   * Forgets memberships older than the group expiry, except those of open
   * channels, which are renewed: a connection open for longer keeps its room.
   * Members are in the order they joined, so this reads only the lapsed ones
   * at the head, not the whole group.
   */
  private dropLapsed(members: Map<string, number>): void {
    const now = this.now();
    for (const [channel, joinedAt] of members) {
      if (joinedAt >= now - this.groupExpiryMs) {
        return;
      }
      members.delete(channel);
      if (this.core.mailboxes.isOpen(channel)) {
        members.set(channel, now);
      }
    }
  }

  /** Drops expired messages and lapsed memberships nobody touched. */
  private sweep(): void {
    this.core.mailboxes.sweep();
    for (const [group, members] of this.groups) {
      this.dropLapsed(members);
      if (members.size === 0) {
        this.groups.delete(group);
      }
    }
  }
}
