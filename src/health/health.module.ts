import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ChatModule } from '../chat/chat.module';
import { ConsumersModule } from '../consumers';
import { ChannelLayerHealthIndicator } from './channel-layer.health';
import { HealthController } from './health.controller';

/**
 * `/healthz` and `/readyz`. Terminus logs nothing: a balancer asks `/readyz`
 * every two seconds, and an outage is already logged once by the layer and
 * shown by `channels_layer_backend_up`.
 */
@Module({
  imports: [
    ChatModule,
    ConsumersModule,
    TerminusModule.forRoot({ logger: false }),
  ],
  controllers: [HealthController],
  providers: [ChannelLayerHealthIndicator],
})
export class HealthModule {}
