import {
  Body,
  Controller,
  Headers,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Logger,
  NotFoundException,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Response } from 'express';
import { appConfig } from '../config/app.config';
import { ApiTokens } from './api-tokens';
import { CHAT_ERRORS, type ChatError } from './chat-error';
import { parseChatFrame } from './chat-frame';
import { roomGroup } from './room-group';
import { RoomHistory } from './room-history';
import { TokenBucket } from '../edge/token-bucket';

/** The answer to a request without a valid bearer token. */
const UNAUTHORIZED = {
  error: 'unauthorized',
  detail: 'Send Authorization: Bearer <token> with one of API_TOKENS.',
};

/**
 * `POST /api/rooms/<room>/messages`: a chat message from outside a consumer
 * (a bot, an integration), group-sent to the room as the chat gateway sends a
 * frame, with the same validation, error codes and rate limit (per token).
 * Channels' `async_to_sync(channel_layer.group_send)` in a view, as HTTP.
 */
@Controller('api/rooms')
export class RoomMessagesController {
  private readonly logger = new Logger(RoomMessagesController.name);
  private readonly tokens: ApiTokens;
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly rooms: RoomHistory,
    @Inject(appConfig.KEY)
    private readonly config: ConfigType<typeof appConfig>,
  ) {
    const tokens = config.apiTokens ?? [];
    this.tokens = new ApiTokens(tokens);
    for (const token of tokens) {
      this.buckets.set(
        token,
        new TokenBucket(config.chatRateLimit, config.chatRateBurst),
      );
    }
  }

  /** 202 once group-sent (an empty room too); 400, 401, 404 (API off), 429 or 503 otherwise. */
  @Post(':room/messages')
  @HttpCode(HttpStatus.ACCEPTED)
  async post(
    @Param('room') room: string,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    if (this.config.apiTokens === undefined) {
      throw new NotFoundException();
    }
    const token = this.tokens.match(authorization);
    if (token === undefined) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      throw new HttpException(UNAUTHORIZED, HttpStatus.UNAUTHORIZED);
    }
    const group = roomGroup(room);
    if (group === undefined) {
      throw new HttpException(
        { error: 'invalid_room', detail: 'Invalid room name.' },
        HttpStatus.BAD_REQUEST,
      );
    }
    if (!this.buckets.get(token)?.take()) {
      throw reply(
        CHAT_ERRORS.rateLimited(this.config.chatRateLimit),
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    // The body arrives as text (app.setup.ts), so invalid JSON gets the
    // chat protocol's invalid_json rather than the JSON parser's own answer.
    const parsed = parseChatFrame(
      typeof body === 'string' ? body : '',
      this.config.chatMaxMessageLength,
    );
    if ('error' in parsed) {
      throw reply(parsed, HttpStatus.BAD_REQUEST);
    }
    let sent;
    try {
      sent = await this.rooms.send(group, parsed.message);
    } catch (error) {
      this.logger.warn(`group send failed: ${String(error)}`);
      throw reply(
        CHAT_ERRORS.layerUnavailable(),
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    // Unlike a WebSocket sender, a bot is no member: an empty room is no
    // error, a room whose every member was full is (as the gateway says).
    if (sent.accepted === 0 && sent.full > 0) {
      throw reply(CHAT_ERRORS.roomOverloaded(), HttpStatus.SERVICE_UNAVAILABLE);
    }
  }
}

/** A chat error as an HTTP answer: the same `{error, detail}` body. */
function reply(error: ChatError, status: HttpStatus): HttpException {
  return new HttpException(error, status);
}
