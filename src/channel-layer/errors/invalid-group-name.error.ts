import { MAX_NAME_LENGTH } from '../channel-layer.constants';
import { ChannelLayerError } from './channel-layer.error';

/** A group name broke the naming rule of Channels. */
export class InvalidGroupNameError extends ChannelLayerError {
  constructor(readonly group: unknown) {
    super(
      `Group name ${JSON.stringify(group)} must match ^[a-zA-Z\\d\\-_.]+$ (< ${MAX_NAME_LENGTH} chars)`,
    );
  }
}
