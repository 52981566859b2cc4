import { ChannelLayerError } from './channel-layer.error';

/** An encrypted message could not be decrypted with any configured key. */
export class InvalidTokenError extends ChannelLayerError {
  constructor(reason: string) {
    super(`Cannot decrypt a channel layer message: ${reason}`);
  }
}
