import { ChannelLayerError } from './channel-layer.error';

/** The layer was closed while an operation waited or after it. */
export class ChannelLayerClosedError extends ChannelLayerError {
  constructor() {
    super('The channel layer is closed');
  }
}
