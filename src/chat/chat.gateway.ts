import { Inject, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { ChannelLayer, type ChannelMessage } from '../channel-layer';
import { appConfig } from '../config/app.config';
import {
  ChannelHandler,
  ConnectedConsumer,
  Consumer,
  FRAME_EVENT,
  HandshakeRefusedError,
  type ChannelConsumer,
} from '../consumers';
import { CHAT_ERRORS, type ChatError } from './chat-error';
import { parseChatFrame } from './chat-frame';
import { roomGroup } from './room-group';
import { TokenBucket } from './token-bucket';

/** Close code for a policy violation (a client that keeps flooding). */
const CLOSE_POLICY_VIOLATION = 1008;

/** The Channels tutorial's `ChatConsumer`: one room group per URL. */
@WebSocketGateway({ path: '/ws/chat/:room/' })
export class ChatGateway implements ChannelConsumer {
  private readonly logger = new Logger(ChatGateway.name);
  private readonly buckets = new WeakMap<Consumer, TokenBucket>();
  /**
   * Each group message's frame, encoded once for all the members of this
   * process: a layer hands one message object to all of them (read-only).
   */
  private readonly frames = new WeakMap<ChannelMessage, Buffer>();

  constructor(
    private readonly layer: ChannelLayer,
    @Inject(appConfig.KEY)
    private readonly config: ConfigType<typeof appConfig>,
  ) {}

  async connect(consumer: Consumer): Promise<void> {
    await this.layer.groupAdd(this.groupOf(consumer), consumer.channel);
    this.buckets.set(
      consumer,
      new TokenBucket(this.config.chatRateLimit, this.config.chatRateBurst),
    );
  }

  async disconnect(consumer: Consumer): Promise<void> {
    await this.layer.groupDiscard(this.groupOf(consumer), consumer.channel);
  }

  /** A frame from the socket: validated, then sent to the room's group. */
  @SubscribeMessage(FRAME_EVENT)
  async receive(
    @ConnectedConsumer() consumer: Consumer,
    @MessageBody() frame: unknown,
  ): Promise<ChatError | undefined> {
    const bucket = this.buckets.get(consumer);
    if (bucket && !bucket.take()) {
      consumer.metrics.frames.rate_limited.inc();
      if (bucket.refusedInARow >= this.config.chatRateAbuseLimit) {
        consumer.close(CLOSE_POLICY_VIOLATION, 'Too many messages');
      }
      return CHAT_ERRORS.rateLimited(this.config.chatRateLimit);
    }
    const parsed = parseChatFrame(frame, this.config.chatMaxMessageLength);
    if ('error' in parsed) {
      consumer.metrics.frames[parsed.error].inc();
      return parsed;
    }
    try {
      await this.layer.groupSend(this.groupOf(consumer), {
        type: 'chat.message',
        message: parsed.message,
      });
    } catch (error) {
      this.logger.warn(`group send failed: ${String(error)}`);
      consumer.metrics.frames.layer_unavailable.inc();
      return CHAT_ERRORS.layerUnavailable();
    }
    consumer.metrics.frames.accepted.inc();
    return undefined;
  }

  /** A message of the room's group: written back to this socket. */
  @ChannelHandler('chat.message')
  chatMessage(consumer: Consumer, message: ChannelMessage): void {
    let frame = this.frames.get(message);
    if (!frame) {
      frame = Buffer.from(JSON.stringify({ message: message.message }));
      this.frames.set(message, frame);
    }
    consumer.sendText(frame);
  }

  private groupOf(consumer: Consumer): string {
    const group = roomGroup(consumer.params.room ?? '');
    if (group === undefined) {
      throw new HandshakeRefusedError(400, 'Invalid room name');
    }
    return group;
  }
}
