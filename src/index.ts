// The package's main entry point (`nest-channels`): the channel layer and the
// consumer runtime. The application around them (chat, config, health) is not
// part of it.
export * from './channel-layer';
export * from './consumers';
