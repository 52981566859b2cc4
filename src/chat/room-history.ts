import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  ChannelLayer,
  createGroupHistory,
  type GroupHistory,
  type GroupSendResult,
  type HistoryMessage,
} from '../channel-layer';
import { appConfig } from '../config/app.config';
import { ChannelsMetrics } from '../metrics';
import type { ReplayStart } from './replay';
import type { ResumeRequest } from './resume-request';

/**
 * Where the chat sends its messages: through the room's history when
 * `CHAT_HISTORY_SIZE` > 0 (each message then carries an `id`), straight to
 * the layer otherwise.
 */
@Injectable()
export class RoomHistory implements OnApplicationShutdown {
  private readonly history?: GroupHistory;
  /** `storedAfter` reads in flight, by group and id. */
  private readonly reads = new Map<
    string,
    Promise<HistoryMessage[] | undefined>
  >();

  constructor(
    private readonly layer: ChannelLayer,
    @Inject(appConfig.KEY)
    private readonly config: ConfigType<typeof appConfig>,
    metrics: ChannelsMetrics,
  ) {
    if (config.chatHistorySize > 0) {
      // On the unmeasured layer: each chat send is counted once, by the
      // history, whether it sends through the layer or on its own connections.
      this.history = metrics.measureHistory(
        createGroupHistory(config.channelLayer, metrics.unmeasured(layer), {
          size: config.chatHistorySize,
          ttl: config.chatHistoryTtl,
        }),
      );
    }
  }

  /** Whether rooms keep history. */
  get enabled(): boolean {
    return this.history !== undefined;
  }

  /** Sends a chat message to the room's group (stored first when history is on). */
  send(group: string, text: string): Promise<GroupSendResult> {
    const message = { type: 'chat.message', message: text };
    return this.history
      ? this.history.groupSend(group, message)
      : this.layer.groupSend(group, message);
  }

  /**
   * What a connection gets before live messages: what its `?history` or
   * `?since` asks for, and where its live messages start (nothing when
   * history is off).
   */
  async read(
    group: string,
    request: ResumeRequest | undefined,
  ): Promise<ReplayStart> {
    const history = this.history;
    if (!history) {
      return { messages: [] };
    }
    if (request && 'since' in request) {
      const since = await history.since(group, request.since);
      if (since.recovered || since.messages.length > 0) {
        return { ...since, after: request.since };
      }
      // Not an id this history has (lapsed, or never one): live messages
      // start after the newest stored one.
      return {
        recovered: false,
        messages: [],
        after: await history.newestId(group),
      };
    }
    if (request && request.last > 0) {
      const messages = await history.last(group, request.last);
      return { messages, after: messages.at(-1)?.id };
    }
    return { messages: [], after: await history.newestId(group) };
  }

  /**
   * The stored messages of `group` after `id`, or `undefined` when the
   * history may have dropped some (it no longer has `id` and is full). One
   * read per group and id at a time: the connections of a room usually miss
   * the same messages.
   */
  storedAfter(
    group: string,
    id: string,
  ): Promise<HistoryMessage[] | undefined> {
    const key = `${group}\n${id}`;
    let read = this.reads.get(key);
    if (!read) {
      read = this.readAfter(group, id).finally(() => this.reads.delete(key));
      this.reads.set(key, read);
    }
    return read;
  }

  /** Resolves when the history's backend answers (at once when history is off), for `/readyz`. */
  async ping(): Promise<void> {
    await this.history?.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.history?.close();
  }

  private async readAfter(
    group: string,
    id: string,
  ): Promise<HistoryMessage[] | undefined> {
    if (!this.history) {
      throw new Error('Rooms keep no history (CHAT_HISTORY_SIZE=0)');
    }
    const since = await this.history.since(group, id);
    return since.recovered ||
      since.messages.length < this.config.chatHistorySize
      ? since.messages
      : undefined;
  }
}
