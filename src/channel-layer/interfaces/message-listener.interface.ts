import type { ChannelMessage } from './channel-message.interface';

/**
 * Takes each message of a channel, pushed by `ChannelLayer.listen`. A returned
 * promise holds the channel's later messages until it settles, so a listener
 * sees its messages one at a time, in order. The message is frozen: it may be
 * the one object every member of a group in this process gets. `channel` is
 * the channel it came on, so that one listener can serve many channels
 * (the consumer runtime has one per gateway, not a closure per connection).
 */
export type MessageListener = (
  message: ChannelMessage,
  channel: string,
) => Promise<void> | void;

/** Options of `ChannelLayer.listen`. */
export interface ListenOptions {
  /**
   * Stops the listening and releases the channel, as an aborted receive does.
   * Without one, the listener stops when the channel is released: by a
   * receive on it whose signal is already aborted (`releaseConsumerChannel`),
   * which costs no `AbortSignal` per listener.
   */
  signal?: AbortSignal;
}
