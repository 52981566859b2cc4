import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ChannelLayerModuleOptions } from './interfaces/channel-layer-options.interface';

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: CHANNEL_LAYER_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ChannelLayerModuleOptions>({
  moduleName: 'ChannelLayer',
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createChannelLayerOptions')
  .setExtras({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
