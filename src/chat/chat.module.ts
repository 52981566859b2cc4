import { Module } from '@nestjs/common';
import { ConsumersModule } from '../consumers';
import { ChatController } from './chat.controller';
import { ChatGateway } from './chat.gateway';
import { RoomHistory } from './room-history';
import { RoomMessagesController } from './room-messages.controller';
import { RoomStatusController } from './room-status.controller';

/** The Django Channels tutorial's chat. */
@Module({
  imports: [ConsumersModule],
  controllers: [ChatController, RoomMessagesController, RoomStatusController],
  providers: [ChatGateway, RoomHistory],
  exports: [RoomHistory],
})
export class ChatModule {}
