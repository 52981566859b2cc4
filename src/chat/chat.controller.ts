import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { join } from 'node:path';
import { PUBLIC_DIR } from '../public-dir';

/** The tutorial's pages: the room picker and the room. */
@Controller()
export class ChatController {
  @Get(['/', 'chat/'])
  @Header('Cache-Control', 'no-cache')
  index(@Res() response: Response): void {
    response.sendFile(join(PUBLIC_DIR, 'index.html'));
  }

  @Get('chat/:room/')
  @Header('Cache-Control', 'no-cache')
  room(@Res() response: Response): void {
    response.sendFile(join(PUBLIC_DIR, 'room.html'));
  }
}
