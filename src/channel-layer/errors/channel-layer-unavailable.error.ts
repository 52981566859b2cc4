import { ChannelLayerError } from './channel-layer.error';

/** The layer's backend could not be reached; the operation did not happen. */
export class ChannelLayerUnavailableError extends ChannelLayerError {
  constructor(
    readonly backend: string,
    cause: unknown,
  ) {
    super(
      `The channel layer's backend (${backend}) is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}
