import { Inject, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { WebSocketGateway } from '@nestjs/websockets';
import {
  ChannelLayer,
  DEFAULT_EXPIRY_S,
  type ChannelLayerOptions,
  type ChannelMessage,
} from '../channel-layer';
import { appConfig } from '../config/app.config';
import { EdgeGuard } from '../edge/edge-guard';
import { ChannelsMetrics } from '../metrics';
import { TokenBucket } from '../edge/token-bucket';
import {
  ChannelHandler,
  CLOSE_TOO_SLOW,
  ConsumerConnection,
  HandshakeRefusedError,
  TextFrame,
  type ConsumerGateway,
} from '../consumers';
import { CHAT_ERRORS, type ChatError } from './chat-error';
import { parseChatFrame } from './chat-frame';
import { messageFrame } from './message-frame';
import { Replay } from './replay';
import { parseResumeRequest } from './resume-request';
import { roomGroup } from './room-group';
import { RoomHistory } from './room-history';

/** Close code for a policy violation (a client that keeps flooding). */
const CLOSE_POLICY_VIOLATION = 1008;

/** What the chat keeps per connection, computed once at connect. */
export interface ChatConnection {
  /** The room's group (`chat_<room>`). */
  readonly group: string;
  readonly bucket: TokenBucket;
  /** The client's key in the per-address limits (`EdgeGuard.clientKeyOf`). */
  readonly clientKey: string;
  /**
   * With history on: the history asked for on the URL (`?history`,
   * `?since`), then live messages in id order.
   */
  readonly replay?: Replay;
}

/** The message a connection sends itself once its history is read: live ones before it are held. */
const REPLAY_MESSAGE = { type: 'chat.replay' };

/**
 * How long a connection waits for its `chat.replay`: the layer's expiry.
 * The layer keeps an undelivered message that long at most, so by then
 * the marker is lost (a dropped subscriber), not late. A shorter bound
 * would also close replays that are only late (a Redis that hangs for a
 * few seconds); in a busy room `MAX_HELD_MESSAGES` closes sooner anyway.
 */
function replayWaitMs(layer: ChannelLayerOptions): number {
  const expiry = layer.backend === 'redis-pubsub' ? undefined : layer.expiry;
  return (expiry ?? DEFAULT_EXPIRY_S) * 1000;
}

/** The Channels tutorial's `ChatConsumer`: one room group per URL. */
@WebSocketGateway({ path: '/ws/chat/:room/' })
export class ChatGateway implements ConsumerGateway<ChatConnection> {
  private readonly logger = new Logger(ChatGateway.name);
  /**
   * The last group message's WebSocket frame, built once for all the members of
   * this process: a layer hands one frozen message object to all of them,
   * one after the other. One entry rather than a WeakMap: a WeakMap entry
   * per message cost more than the encoding it saves (an identity hash and
   * an ephemeron entry per message, measured at S1), and a message held
   * back (a consumer replaying its history) is only encoded again.
   */
  private lastMessage?: ChannelMessage;
  private lastFrame = TextFrame.of('');

  constructor(
    private readonly layer: ChannelLayer,
    @Inject(appConfig.KEY)
    private readonly config: ConfigType<typeof appConfig>,
    private readonly edge: EdgeGuard,
    private readonly metrics: ChannelsMetrics,
    private readonly rooms: RoomHistory,
  ) {}

  async connect(connection: ConsumerConnection<ChatConnection>): Promise<void> {
    const group = roomGroup(connection.params.room ?? '');
    if (group === undefined) {
      throw new HandshakeRefusedError(400, 'Invalid room name');
    }
    const resume = this.rooms.enabled
      ? parseResumeRequest(connection.request.url, this.config.chatHistorySize)
      : undefined;
    if (typeof resume === 'string') {
      throw new HandshakeRefusedError(400, resume);
    }
    // Joined first: every message stored after the read below arrives live.
    await this.layer.groupAdd(group, connection.channel);
    connection.state = {
      group,
      bucket: new TokenBucket(
        this.config.chatRateLimit,
        this.config.chatRateBurst,
      ),
      clientKey: this.edge.clientKeyOf(connection.request),
      replay: this.rooms.enabled
        ? new Replay(await this.rooms.read(group, resume), {
            sendText: (frame) => connection.sendText(frame),
            send: (message) => this.send(connection, message),
            storedAfter: (id) => this.rooms.storedAfter(group, id),
            lost: (reason) => connection.close(CLOSE_TOO_SLOW, reason),
          })
        : undefined,
    };
    if (connection.state.replay) {
      // Queued behind the live messages that came meanwhile: its handler
      // sends the history, then those of them that are newer.
      await this.layer.send(connection.channel, REPLAY_MESSAGE);
      // In a quiet room nothing else tells that it was lost.
      connection.state.replay.startWithin(
        replayWaitMs(this.config.channelLayer),
      );
    }
  }

  async disconnect(
    connection: ConsumerConnection<ChatConnection>,
  ): Promise<void> {
    connection.state.replay?.dispose();
    await this.layer.groupDiscard(connection.state.group, connection.channel);
  }

  /** A frame from the socket: validated, then sent to the room's group. */
  async receive(
    connection: ConsumerConnection<ChatConnection>,
    frame: string | Buffer,
  ): Promise<ChatError | undefined> {
    const { group, bucket, clientKey } = connection.state;
    // The address's limit outlives the connection: reconnecting does not reset it.
    if (!(bucket.take() && this.edge.takeMessage(clientKey))) {
      this.metrics.frames.rate_limited.inc();
      if (bucket.refusedInARow >= this.config.chatRateAbuseLimit) {
        connection.close(CLOSE_POLICY_VIOLATION, 'Too many messages');
      }
      return CHAT_ERRORS.rateLimited(this.config.chatRateLimit);
    }
    const parsed = parseChatFrame(frame, this.config.chatMaxMessageLength);
    if ('error' in parsed) {
      this.metrics.frames[parsed.error].inc();
      return parsed;
    }
    let sent;
    try {
      sent = await this.rooms.send(group, parsed.message);
    } catch (error) {
      this.logger.warn(`group send failed: ${String(error)}`);
      this.metrics.frames.layer_unavailable.inc();
      return CHAT_ERRORS.layerUnavailable();
    }
    if (sent.accepted > 0) {
      this.metrics.frames.accepted.inc();
      return undefined;
    }
    // The sender is a member itself: no destination at all means the layer
    // lost the membership (a Redis that came back empty, a dropped subscriber).
    if (sent.full > 0) {
      this.metrics.frames.room_overloaded.inc();
      return CHAT_ERRORS.roomOverloaded();
    }
    this.metrics.frames.layer_unavailable.inc();
    return CHAT_ERRORS.layerUnavailable();
  }

  /** A message of the room's group: written back to this socket. */
  @ChannelHandler('chat.message')
  chatMessage(
    connection: ConsumerConnection<ChatConnection>,
    message: ChannelMessage,
  ): void {
    const replay = connection.state.replay;
    if (replay) {
      replay.push(message);
    } else {
      this.send(connection, message);
    }
  }

  /** The connection's own signal that its history is read: history first, then what was held. */
  @ChannelHandler('chat.replay')
  chatReplay(connection: ConsumerConnection<ChatConnection>): void {
    connection.state.replay?.start();
  }

  private send(connection: ConsumerConnection, message: ChannelMessage): void {
    if (message !== this.lastMessage) {
      this.lastFrame = TextFrame.of(messageFrame(message));
      this.lastMessage = message;
    }
    connection.sendFrame(this.lastFrame);
  }
}
