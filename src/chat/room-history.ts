import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  ChannelLayer,
  createGroupHistory,
  type GroupHistory,
  type GroupSendResult,
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

  /** What a connection's `?history` or `?since` asks for; nothing when history is off. */
  async read(group: string, request: ResumeRequest): Promise<ReplayStart> {
    const history = this.history;
    if (!history) {
      return { messages: [] };
    }
    if ('last' in request) {
      return { messages: await history.last(group, request.last) };
    }
    const since = await history.since(group, request.since);
    return { ...since, after: request.since };
  }

  /** Resolves when the history's backend answers (at once when history is off), for `/readyz`. */
  async ping(): Promise<void> {
    await this.history?.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.history?.close();
  }
}
