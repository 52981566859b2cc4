export { createGroupHistory } from './create-group-history';
export * from './group-history';
export { compareHistoryIds, isHistoryId, isNextHistoryId } from './history-id';
