import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ChannelLayerOptions } from './interfaces/channel-layer-options.interface';

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: CHANNEL_LAYER_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ChannelLayerOptions>({
  moduleName: 'ChannelLayer',
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createChannelLayerOptions')
  .setExtras({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
