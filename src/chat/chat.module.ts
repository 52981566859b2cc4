import { Module } from '@nestjs/common';
import { ChatController } from './chat.controller';
import { ChatGateway } from './chat.gateway';

/** The Django Channels tutorial's chat. */
@Module({ controllers: [ChatController], providers: [ChatGateway] })
export class ChatModule {}
