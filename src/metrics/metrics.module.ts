import { Global, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../config/app.config';
import { ConnectionObserver } from '../consumers';
import { ChannelsMetrics } from './channels-metrics';
import { ConnectionEvents } from './connection-events';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics-server';
import { PrometheusChannelsMetrics } from './prometheus-channels-metrics';

/**
 * Provides `ChannelsMetrics` to every module (the runtime, gateways, the
 * layer's decoration) and `ConnectionEvents`, and serves `/metrics`. With `METRICS_ENABLED=false`
 * it provides the class that counts nothing.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: ChannelsMetrics,
      inject: [appConfig.KEY],
      useFactory: (config: ConfigType<typeof appConfig>): ChannelsMetrics =>
        config.metrics.enabled
          ? new PrometheusChannelsMetrics()
          : new ChannelsMetrics(),
    },
    MetricsServer,
    ConnectionEvents,
    { provide: ConnectionObserver, useExisting: ConnectionEvents },
  ],
  exports: [ChannelsMetrics, ConnectionEvents, ConnectionObserver],
})
export class MetricsModule {}
