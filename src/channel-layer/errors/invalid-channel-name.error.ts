import { MAX_NAME_LENGTH } from '../channel-layer.constants';
import { ChannelLayerError } from './channel-layer.error';

/** A channel name broke the naming rule of Channels. */
export class InvalidChannelNameError extends ChannelLayerError {
  constructor(
    readonly channel: unknown,
    rule = `must match ^[a-zA-Z\\d\\-_.]+(![\\d\\w\\-_.]*)?$ (< ${MAX_NAME_LENGTH} chars)`,
  ) {
    super(`Channel name ${JSON.stringify(channel)} ${rule}`);
  }
}
