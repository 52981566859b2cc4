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
  /** The ids' first part: when this log began, unique in this process. */
  epoch: number;
  /** The sequence of the next message. */
  next: number;
}

/**
 * Group history in this process, for the memory layer. The memory layer
 * delivers a group send before its first `await`, so storing the message just
 * before sending it, in the same turn, keeps history order = delivery order.
 */
export class MemoryGroupHistory extends GroupHistory {
  /** In order of last write, so lapsed logs are at the front. */
  private readonly logs = new Map<string, GroupLog>();
  private lastEpoch = 0;

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
    const stored = this.append(group, message);
    const id = stored.id;
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

  async newestId(group: string): Promise<string | undefined> {
    return this.messagesOf(group).at(-1)?.id;
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

  /** Stores `message` with the log's next id (a new log when it lapsed). */
  private append(group: string, message: ChannelMessage): HistoryMessage {
    const now = this.now();
    const log = this.live(group, now) ?? this.newLog(now);
    const stored: HistoryMessage = {
      ...message,
      id: `${log.epoch}-${log.next++}`,
    };
    log.messages.push(stored);
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
    return stored;
  }

  private newLog(now: number): GroupLog {
    this.lastEpoch = Math.max(now, this.lastEpoch + 1);
    return { messages: [], expiresAt: 0, epoch: this.lastEpoch, next: 0 };
  }

  private messagesOf(group: string): HistoryMessage[] {
    return this.live(group, this.now())?.messages ?? [];
  }

  private live(group: string, now: number): GroupLog | undefined {
    const log = this.logs.get(group);
    return log && log.expiresAt > now ? log : undefined;
  }
}
