import type {
  ChannelLayer,
  ChannelMessage,
  CommonChannelLayerOptions,
} from '../../channel-layer';

/** Where a backend's semantics differ from the `ChannelLayer` contract, said explicitly. */
export interface ContractDifferences {
  /** The backend keeps no capacity (Redis pub/sub): sends never fail as full. */
  noCapacity?: boolean;
  /** A message sent before anyone receives on the channel is dropped (Redis pub/sub). */
  dropsUnreceived?: boolean;
}

/**
 * Builds the layer under test, with the common options a case needs
 * (`capacity`, `channelCapacity`, …) on top of the backend's own.
 */
export type CreateChannelLayer = (
  options?: CommonChannelLayerOptions,
) => Promise<ChannelLayer>;

/** What the contract's sections share: the layer under test and its helpers. */
export interface ContractContext {
  /** The suite's layer, created once and flushed after each case. */
  layer(): ChannelLayer;
  /** A second layer with other options, closed after the case. */
  layerWith(options: CommonChannelLayerOptions): Promise<ChannelLayer>;
  /** Sends after the receive is in place, for backends that drop unreceived messages. */
  sendAndReceive(
    on: ChannelLayer,
    channel: string,
    message: ChannelMessage,
  ): Promise<unknown>;
  readonly differences: ContractDifferences;
}
