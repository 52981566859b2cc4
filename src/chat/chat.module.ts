import { Module } from '@nestjs/common';
import { ChatController } from './chat.controller';
import { ChatGateway } from './chat.gateway';
import { RoomMessagesController } from './room-messages.controller';

/** The Django Channels tutorial's chat. */
@Module({
  controllers: [ChatController, RoomMessagesController],
  providers: [ChatGateway],
})
export class ChatModule {}
