import { Logger } from '@nestjs/common';
import { BaseChannelLayer } from '../../base-channel-layer';
import { frozenCopy } from '../../frozen-copy';
import { ChannelFullError } from '../../errors';
import type { ChannelMessage } from '../../interfaces/channel-message.interface';
import type { GroupSendResult } from '../../interfaces/group-send-result.interface';
import type { MemoryChannelLayerOptions } from '../../interfaces/channel-layer-options.interface';
import { layerSettings } from '../../layer-settings';
import { randomToken } from '../../random-token';

/**
 * The embedded layer of one process, as Channels' `InMemoryChannelLayer`:
 * for development, tests and single-instance deployments. Its transport is
 * no transport: sends go straight into the process's mailboxes.
 */
export class MemoryChannelLayer extends BaseChannelLayer {
  private readonly groups = new Map<string, Map<string, number>>();
  private readonly groupExpiryMs: number;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: Omit<MemoryChannelLayerOptions, 'backend'> = {}) {
    const settings = layerSettings(options);
    const now = options.now ?? Date.now;
    super(
      { processId: randomToken(), token: () => randomToken() },
      {
        capacityOf: (channel) => settings.capacities.capacityOf(channel),
        expiryMs: settings.expiry * 1000,
        now,
        keepsUnopened: true,
        logger: new Logger(MemoryChannelLayer.name),
      },
    );
    this.groupExpiryMs = settings.groupExpiry * 1000;
    this.now = now;
    this.sweeper = setInterval(() => this.sweep(), settings.expiry * 1000);
    this.sweeper.unref(); // an expiry sweep must not keep the process alive
  }

  protected reach(): undefined {
    return undefined;
  }

  protected async transmit(
    channel: string,
    message: ChannelMessage,
  ): Promise<void> {
    if (
      !this.mailboxes.deliver(channel, frozenCopy(message))
    ) {
      throw new ChannelFullError(channel);
    }
  }

  protected async join(group: string, channel: string): Promise<void> {
    let members = this.groups.get(group);
    if (!members) {
      members = new Map();
      this.groups.set(group, members);
    }
    // Re-inserted, so that the members stay in the order they joined.
    members.delete(channel);
    members.set(channel, this.now());
  }

  protected async leave(group: string, channel: string): Promise<void> {
    const members = this.groups.get(group);
    if (members?.delete(channel) && members.size === 0) {
      this.groups.delete(group);
    }
  }

  protected async broadcast(
    group: string,
    message: ChannelMessage,
  ): Promise<GroupSendResult> {
    const members = this.groups.get(group);
    if (!members) {
      return { accepted: 0, full: 0 };
    }
    this.dropLapsed(members);
    // One frozen copy for all members.
    return this.mailboxes.deliverToEach(members.keys(), frozenCopy(message));
  }

  protected async flushTransport(): Promise<void> {
    this.groups.clear();
  }

  protected async closeTransport(): Promise<void> {
    clearInterval(this.sweeper);
    this.groups.clear();
  }

  protected async probe(): Promise<void> {}

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
      if (this.mailboxes.isOpen(channel)) {
        members.set(channel, now);
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
}
