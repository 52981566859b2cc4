export { createGroupHistory } from './create-group-history';
export * from './group-history';
export { compareHistoryIds, isHistoryId } from './history-id';
