import type { ChannelMessage } from './interfaces/channel-message.interface';
import type { GroupSendResult } from './interfaces/group-send-result.interface';
import type {
  ListenOptions,
  MessageListener,
} from './interfaces/message-listener.interface';
import type { ReceiveOptions } from './interfaces/receive-options.interface';

/**
 * A Django Channels channel layer: named channels that anyone can send to, and
 * groups of channels that receive a message sent to the group.
 *
 * Inject this class; never a backend. It is both the contract and the DI token.
 */
export abstract class ChannelLayer {
  /**
   * A fresh, unique channel name for a consumer of this process
   * (`<prefix>.<processId>!<random>`).
   * @param prefix as Channels' `new_channel(prefix)`. @default 'specific'
   */
  abstract newChannel(prefix?: string): Promise<string>;

  /**
   * Puts `message` on one channel.
   * @throws ChannelFullError when the channel holds its capacity already.
   */
  abstract send(channel: string, message: ChannelMessage): Promise<void>;

  /**
   * Resolves with the next message of `channel` (FIFO per channel). Rejects with
   * the signal's reason when `options.signal` aborts; a message is never lost
   * to an aborted receive.
   */
  abstract receive(
    channel: string,
    options?: ReceiveOptions,
  ): Promise<ChannelMessage>;

  /**
   * Pushes each message of `channel` to `listener`, one at a time and in
   * order, until `options.signal` aborts, which releases the channel as an
   * aborted receive does; without a signal, until the channel is released by
   * a receive on it whose signal is already aborted. The consumer runtime's
   * way to take messages without a promise per delivery. A listener's
   * returned promise holds only its own channel's later messages. One
   * listener per channel; resolves once it listens. The listener gets
   * `options.context` with each message: a listener that takes a context
   * must be given one (the second form), or it would get undefined.
   */
  abstract listen(
    channel: string,
    listener: MessageListener<undefined>,
    options?: ListenOptions<undefined>,
  ): Promise<void>;
  abstract listen<C>(
    channel: string,
    listener: MessageListener<C>,
    options: ListenOptions<C> & { context: C },
  ): Promise<void>;

  /** Adds `channel` to `group`, or refreshes its membership. */
  abstract groupAdd(group: string, channel: string): Promise<void>;

  /** Removes `channel` from `group`; a no-op for a non-member. */
  abstract groupDiscard(group: string, channel: string): Promise<void>;

  /**
   * Sends `message` to every member of `group`; a full member is skipped, and
   * the result says how many destinations took it and how many were full.
   * @throws ChannelLayerUnavailableError when the backend could not take it;
   *   the message is then not delivered later either.
   */
  abstract groupSend(
    group: string,
    message: ChannelMessage,
  ): Promise<GroupSendResult>;

  /** Drops every message and membership this layer can reach. */
  abstract flush(): Promise<void>;

  /** Releases connections and timers; pending receives reject. */
  abstract close(): Promise<void>;

  /** Resolves when the backend answers, for `/readyz`. */
  abstract ping(): Promise<void>;
}
