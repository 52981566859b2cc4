import { CapacityRules } from './capacity';
import {
  DEFAULT_CAPACITY,
  DEFAULT_EXPIRY_S,
  DEFAULT_GROUP_EXPIRY_S,
  DEFAULT_PREFIX,
} from './channel-layer.constants';
import type { CommonChannelLayerOptions } from './interfaces/channel-layer-options.interface';

/** The common options with their defaults applied: resolved once, here, for every backend. */
export interface LayerSettings {
  readonly prefix: string;
  readonly capacities: CapacityRules;
  /** Seconds an undelivered message is kept. */
  readonly expiry: number;
  /** Seconds a group membership lasts unless refreshed. */
  readonly groupExpiry: number;
}

/** Applies the defaults of `CommonChannelLayerOptions`. */
export function layerSettings(
  options: CommonChannelLayerOptions,
): LayerSettings {
  return {
    prefix: options.prefix ?? DEFAULT_PREFIX,
    capacities: new CapacityRules(
      options.capacity ?? DEFAULT_CAPACITY,
      options.channelCapacity,
    ),
    expiry: options.expiry ?? DEFAULT_EXPIRY_S,
    groupExpiry: options.groupExpiry ?? DEFAULT_GROUP_EXPIRY_S,
  };
}
