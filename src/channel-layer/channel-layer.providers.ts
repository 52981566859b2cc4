import { Logger, type Provider } from '@nestjs/common';
import { ChannelLayer } from './channel-layer';
import { CHANNEL_LAYER_MODULE_OPTIONS } from './channel-layer.module-definition';
import { MemoryChannelLayer } from './backends/memory/memory-channel-layer';
import { RedisChannelLayer } from './backends/redis/redis-channel-layer';
import { RedisPubSubChannelLayer } from './backends/redis-pubsub/redis-pubsub-channel-layer';
import type {
  ChannelLayerModuleOptions,
  ChannelLayerOptions,
} from './interfaces/channel-layer-options.interface';

/** Builds the backend that `options.backend` names. The only place that names backends. */
export function createChannelLayer(options: ChannelLayerOptions): ChannelLayer {
  if (options.backend !== 'memory' && options.mode === 'cluster') {
    new Logger('ChannelLayer').warn(
      'REDIS_MODE=cluster: Django interop is not available (channels_redis cannot use a Redis Cluster)',
    );
  }
  switch (options.backend) {
    case 'memory':
      return new MemoryChannelLayer(options);
    case 'redis':
      return new RedisChannelLayer(options);
    case 'redis-pubsub':
      return new RedisPubSubChannelLayer(options);
  }
}

/** Provides `ChannelLayer` from the module options, wrapped as they ask. */
export const channelLayerProvider: Provider = {
  provide: ChannelLayer,
  useFactory: (options: ChannelLayerModuleOptions): ChannelLayer => {
    const layer = createChannelLayer(options);
    return options.decorate?.(layer, options.backend) ?? layer;
  },
  inject: [CHANNEL_LAYER_MODULE_OPTIONS],
};
