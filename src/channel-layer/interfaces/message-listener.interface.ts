import type { ChannelMessage } from './channel-message.interface';

/**
 * Takes each message of a channel, pushed by `ChannelLayer.listen`. A returned
 * promise holds the channel's later messages until it settles, so a listener
 * sees its messages one at a time, in order. The message is frozen: it may be
 * the one object every member of a group in this process gets. `channel` is
 * the channel it came on and `context` what was given with the listen
 * (`ListenOptions.context`), so that one listener can serve many channels
 * with no look-up per message (the consumer runtime has one per gateway, not
 * a closure per connection, and gets each message's connection as context).
 * @typeParam C the context's type.
 */
export type MessageListener<C = unknown> = (
  message: ChannelMessage,
  channel: string,
  context: C,
) => Promise<void> | void;

/** Options of `ChannelLayer.listen`. */
export interface ListenOptions<C = unknown> {
  /**
   * Stops the listening and releases the channel, as an aborted receive does.
   * Without one, the listener stops when the channel is released: by a
   * receive on it whose signal is already aborted (`releaseConsumerChannel`),
   * which costs no `AbortSignal` per listener.
   */
  signal?: AbortSignal;
  /** Handed to the listener with each message of this channel (undefined without). */
  context?: C;
}
