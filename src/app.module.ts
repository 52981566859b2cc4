import { Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { ChannelLayerModule } from './channel-layer';
import { ChatModule } from './chat/chat.module';
import { appConfig } from './config/app.config';
import { ConsumersModule } from './consumers';
import { EdgeModule } from './edge/edge.module';
import { HealthModule } from './health/health.module';
import { ChannelsMetrics, MetricsModule } from './metrics';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, load: [appConfig] }),
    MetricsModule,
    ChannelLayerModule.forRootAsync({
      inject: [appConfig.KEY, ChannelsMetrics],
      useFactory: (
        config: ConfigType<typeof appConfig>,
        metrics: ChannelsMetrics,
      ) => ({
        ...config.channelLayer,
        decorate: (layer, backend) => metrics.measureLayer(layer, backend),
      }),
    }),
    EdgeModule,
    ConsumersModule,
    ChatModule,
    HealthModule,
  ],
})
export class AppModule {}
