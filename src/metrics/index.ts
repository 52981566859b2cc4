export * from './channels-metrics';
export * from './connection-events';
export * from './hot-counter';
export * from './metrics.constants';
export * from './metrics.module';
