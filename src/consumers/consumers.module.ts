import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ChannelHandlerExplorer } from './channel-handler.explorer';
import { ConsumerRuntime } from './consumer-runtime';

/** The consumer runtime: import it once; `RoutedWsAdapter` finds it. */
@Module({
  imports: [DiscoveryModule],
  providers: [ChannelHandlerExplorer, ConsumerRuntime],
  exports: [ConsumerRuntime],
})
export class ConsumersModule {}
