import { Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { ChannelLayerModule } from './channel-layer';
import { ChatModule } from './chat/chat.module';
import { appConfig } from './config/app.config';
import { ConsumersModule } from './consumers';
import { EdgeModule } from './edge/edge.module';
import { HealthModule } from './health/health.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, load: [appConfig] }),
    ChannelLayerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (config: ConfigType<typeof appConfig>) => config.channelLayer,
    }),
    EdgeModule,
    ConsumersModule,
    ChatModule,
    HealthModule,
  ],
})
export class AppModule {}
