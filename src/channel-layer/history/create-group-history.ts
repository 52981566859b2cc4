import type { ChannelLayer } from '../channel-layer';
import type { ChannelLayerOptions } from '../interfaces/channel-layer-options.interface';
import type { GroupHistory, GroupHistoryOptions } from './group-history';
import { MemoryGroupHistory } from './memory-group-history';
import { RedisGroupHistory } from './redis-group-history';

/**
 * The group history of the backend `options` names, sending through `layer`
 * (built from the same options).
 */
export function createGroupHistory(
  options: ChannelLayerOptions,
  layer: ChannelLayer,
  history: GroupHistoryOptions,
): GroupHistory {
  return options.backend === 'memory'
    ? new MemoryGroupHistory(layer, history)
    : new RedisGroupHistory(layer, options, history);
}
