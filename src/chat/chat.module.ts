import { Module } from '@nestjs/common';
import { ConsumersModule } from '../consumers';
import { ChatController } from './chat.controller';
import { ChatGateway } from './chat.gateway';
import { RoomStatusController } from './room-status.controller';

/** The Django Channels tutorial's chat. */
@Module({
  imports: [ConsumersModule],
  controllers: [ChatController, RoomStatusController],
  providers: [ChatGateway],
})
export class ChatModule {}
