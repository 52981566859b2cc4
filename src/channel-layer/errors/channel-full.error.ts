import { ChannelLayerError } from './channel-layer.error';

/** `send` found the channel at its capacity (Channels' `ChannelFull`). */
export class ChannelFullError extends ChannelLayerError {
  constructor(readonly channel: string) {
    super(`Channel "${channel}" is full`);
  }
}
