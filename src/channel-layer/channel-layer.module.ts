import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { ChannelLayer } from './channel-layer';
import { ConfigurableModuleClass } from './channel-layer.module-definition';
import { channelLayerProvider } from './channel-layer.providers';

/**
 * Provides `ChannelLayer`, global by default:
 * `ChannelLayerModule.forRoot({ backend: 'memory' })` or `forRootAsync({ useFactory })`.
 * The layer is closed when the application shuts down.
 */
@Module({ providers: [channelLayerProvider], exports: [ChannelLayer] })
export class ChannelLayerModule
  extends ConfigurableModuleClass
  implements OnApplicationShutdown
{
  constructor(private readonly layer: ChannelLayer) {
    super();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.layer.close();
  }
}
