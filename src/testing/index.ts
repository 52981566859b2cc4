export type {
  ContractDifferences,
  CreateChannelLayer,
} from './contract/contract-context';
export * from './contract/describe-channel-layer-contract';
export * from './receive-timeout.error';
export * from './start-test-app';
export * from './test-application';
export * from './unexpected-frame.error';
export * from './ws-closed.error';
export * from './ws-communicator';
export * from './ws-refused.error';
