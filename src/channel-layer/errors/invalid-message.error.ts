import { ChannelLayerError } from './channel-layer.error';

/** A message was not a plain object with a string `type`. */
export class InvalidMessageError extends ChannelLayerError {
  constructor() {
    super(
      'A channel layer message must be a plain object with a string "type"',
    );
  }
}
