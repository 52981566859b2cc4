import type { ChannelLayer } from '../channel-layer';
import type { ChannelMessage } from '../interfaces/channel-message.interface';
import type { GroupSendResult } from '../interfaces/group-send-result.interface';
import {
  GroupHistory,
  type GroupHistoryOptions,
  type HistoryMessage,
  type HistorySince,
} from './group-history';
import { compareHistoryIds, isHistoryId } from './history-id';

interface GroupLog {
  messages: HistoryMessage[];
  /** When the log lapses, in milliseconds. */
  expiresAt: number;
}

/**
 * Group history in this process, for the memory layer. The memory layer
 * delivers a group send before its first `await`, so storing the message just
 * before sending it, in the same turn, keeps history order = delivery order.
 */
export class MemoryGroupHistory extends GroupHistory {
  /** In order of last write, so lapsed logs are at the front. */
  private readonly logs = new Map<string, GroupLog>();
  private lastMs = 0;
  private sequence = 0;

  constructor(
    private readonly layer: ChannelLayer,
    private readonly options: GroupHistoryOptions,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async groupSend(
    group: string,
    message: ChannelMessage,
  ): Promise<GroupSendResult & { id: string }> {
    const id = this.nextId();
    const stored: HistoryMessage = { ...message, id };
    this.append(group, stored);
    try {
      return { ...(await this.layer.groupSend(group, stored)), id };
    } catch (error) {
      const log = this.logs.get(group);
      log?.messages.splice(log.messages.indexOf(stored), 1);
      throw error;
    }
  }

  async last(group: string, count: number): Promise<HistoryMessage[]> {
    return count > 0 ? this.messagesOf(group).slice(-count) : [];
  }

  async since(group: string, id: string): Promise<HistorySince> {
    const messages = this.messagesOf(group);
    if (!isHistoryId(id)) {
      return { recovered: false, messages };
    }
    const start = messages.findIndex(
      (message) => compareHistoryIds(message.id, id) >= 0,
    );
    if (start === -1) {
      return { recovered: false, messages: [] };
    }
    const recovered = messages[start].id === id;
    return {
      recovered,
      messages: messages.slice(recovered ? start + 1 : start),
    };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.logs.clear();
  }

  /** Ids as Redis stream ids: milliseconds, and a sequence within the same one. */
  private nextId(): string {
    const now = Math.max(this.now(), this.lastMs);
    this.sequence = now === this.lastMs ? this.sequence + 1 : 0;
    this.lastMs = now;
    return `${now}-${this.sequence}`;
  }

  private append(group: string, message: HistoryMessage): void {
    const now = this.now();
    const log = this.live(group, now) ?? { messages: [], expiresAt: 0 };
    log.messages.push(message);
    if (log.messages.length > this.options.size) {
      log.messages.shift();
    }
    log.expiresAt = now + this.options.ttl * 1000;
    this.logs.delete(group);
    this.logs.set(group, log);
    for (const [name, other] of this.logs) {
      if (other.expiresAt > now) {
        break;
      }
      this.logs.delete(name);
    }
  }

  private messagesOf(group: string): HistoryMessage[] {
    return this.live(group, this.now())?.messages ?? [];
  }

  private live(group: string, now: number): GroupLog | undefined {
    const log = this.logs.get(group);
    return log && log.expiresAt > now ? log : undefined;
  }
}
