import {
  Controller,
  Get,
  Inject,
  Param,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Request, Response } from 'express';
import { appConfig } from '../config/app.config';
import { ConsumerRuntime, type UpgradeRefusal } from '../consumers';
import { EdgeGuard } from '../edge/edge-guard';
import { roomGroup } from './room-group';

/** What the room page learns from `GET /chat/<room>/status`. */
export interface RoomStatus {
  /** Whether a handshake to the room would be accepted now. */
  ok: boolean;
  /** Why not, for the page to show. */
  reason?: string;
  /** Whether trying again later may succeed (the server is full, not the room invalid). */
  retry?: boolean;
  /** `WS_MAX_PAYLOAD`: the page checks a message's frame against it before sending. */
  maxPayload: number;
  /** `CHAT_MAX_MESSAGE_LENGTH`, in characters. */
  maxMessageLength: number;
}

const ROOM_REFUSALS = {
  room: {
    status: 400,
    reason:
      'This room name cannot be used: it is empty, too long, or holds invisible or control characters.',
  },
  full: { status: 503, reason: 'The server is full.' },
  closing: { status: 503, reason: 'The server is restarting.' },
} as const satisfies Record<string, UpgradeRefusal>;

/**
 * Says whether the room's WebSocket would be accepted, and if not why: a
 * browser reports a refused handshake only as a close with code 1006, so the
 * room page asks here instead of reconnecting forever without a word. The
 * checks are the handshake's own (Host, Origin given as `?origin=`, the
 * per-address limit, capacity, the room name), and take nothing from a limit.
 */
@Controller()
export class RoomStatusController {
  constructor(
    private readonly edge: EdgeGuard,
    private readonly runtime: ConsumerRuntime,
    @Inject(appConfig.KEY)
    private readonly config: ConfigType<typeof appConfig>,
  ) {}

  @Get('chat/:room/status')
  status(
    @Param('room') room: string,
    @Query('origin') origin: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): void {
    const refusal = this.refusal(room, origin, request);
    const body: RoomStatus = {
      ok: refusal === undefined,
      ...(refusal && { reason: refusal.reason, retry: refusal.status >= 429 }),
      maxPayload: this.config.wsMaxPayload,
      maxMessageLength: this.config.chatMaxMessageLength,
    };
    response.status(refusal?.status ?? 200).json(body);
  }

  private refusal(
    room: string,
    origin: string | undefined,
    request: Request,
  ): UpgradeRefusal | undefined {
    if (roomGroup(room) === undefined) {
      return ROOM_REFUSALS.room;
    }
    if (!this.runtime.accepting) {
      return ROOM_REFUSALS.closing;
    }
    if (this.runtime.size >= this.config.wsMaxConnections) {
      return ROOM_REFUSALS.full;
    }
    return this.edge.predictUpgrade(request, origin);
  }
}
