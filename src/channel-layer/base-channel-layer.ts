import { ChannelLayer } from './channel-layer';
import { assertMessage } from './assert-message';
import { DEFAULT_CHANNEL_PREFIX } from './channel-layer.constants';
import { assertChannelName, assertGroupName } from './channel-names';
import { ChannelLayerClosedError } from './errors';
import type { ChannelMessage } from './interfaces/channel-message.interface';
import type { GroupSendResult } from './interfaces/group-send-result.interface';
import type {
  ListenOptions,
  MessageListener,
} from './interfaces/message-listener.interface';
import type { ReceiveOptions } from './interfaces/receive-options.interface';
import { LocalMailboxes, type LocalMailboxesOptions } from './local-mailboxes';

/** How a backend names its channels: `<prefix>.<processId>!<token>`. */
export interface ChannelNaming {
  /** This process's part of every name it makes. */
  readonly processId: string;
  /** A fresh random part for each name. */
  token(): string;
}

/**
 * What every backend shares, written once: validation, the closed state,
 * `newChannel` naming, and delivery to this process's consumers through its
 * `LocalMailboxes`. A backend is the transport behind the protected hooks:
 * it brings messages to the mailboxes and takes them to other processes.
 */
export abstract class BaseChannelLayer extends ChannelLayer {
  protected readonly mailboxes: LocalMailboxes;
  protected readonly processId: string;
  private readonly token: () => string;
  private closed = false;

  protected constructor(
    naming: ChannelNaming,
    mailboxes: Omit<LocalMailboxesOptions, 'onRelease'>,
  ) {
    super();
    this.processId = naming.processId;
    this.token = () => naming.token();
    this.mailboxes = new LocalMailboxes({
      ...mailboxes,
      onRelease: (channel) => this.released(channel),
    });
  }

  async newChannel(prefix = DEFAULT_CHANNEL_PREFIX): Promise<string> {
    this.assertOpen();
    const channel = `${prefix}.${this.processId}!${this.token()}`;
    assertChannelName(channel);
    // Nobody knows the name before it is returned, so nothing arrives for it
    // before it is open; and a transport that fails leaves nothing open.
    await this.reach(channel, false);
    this.mailboxes.open(channel);
    return channel;
  }

  async send(channel: string, message: ChannelMessage): Promise<void> {
    this.assertOpen();
    assertChannelName(channel);
    assertMessage(message);
    await this.transmit(channel, message);
  }

  async receive(
    channel: string,
    options: ReceiveOptions = {},
  ): Promise<ChannelMessage> {
    const reaching = this.prepare(channel, options.signal);
    if (reaching) {
      await reaching;
    }
    return this.mailboxes.take(channel, options.signal);
  }

  async listen(
    channel: string,
    listener: MessageListener,
    options: ListenOptions,
  ): Promise<void> {
    const reaching = this.prepare(channel, options.signal);
    if (reaching) {
      await reaching;
    }
    this.mailboxes.listen(channel, listener, options.signal);
  }

  async groupAdd(group: string, channel: string): Promise<void> {
    this.assertOpen();
    assertGroupName(group);
    assertChannelName(channel);
    await this.join(group, channel);
  }

  async groupDiscard(group: string, channel: string): Promise<void> {
    this.assertOpen();
    assertGroupName(group);
    assertChannelName(channel);
    await this.leave(group, channel);
  }

  async groupSend(
    group: string,
    message: ChannelMessage,
  ): Promise<GroupSendResult> {
    this.assertOpen();
    assertGroupName(group);
    assertMessage(message);
    return this.broadcast(group, message);
  }

  async flush(): Promise<void> {
    this.assertOpen();
    await this.flushTransport();
    this.mailboxes.clear();
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    await this.closeTransport();
    // Last, so that a caller awaiting close() handles its receives' rejections in time.
    this.mailboxes.close();
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await this.probe();
  }

  /** Throws `ChannelLayerClosedError` once the layer is closed. */
  protected assertOpen(): void {
    if (this.closed) {
      throw new ChannelLayerClosedError();
    }
  }

  /**
   * Makes the messages of `channel` come to this process's mailboxes
   * (subscribe, read its Redis key), for `newChannel`, a receive or a
   * listener; undefined when there is nothing to wait for.
   * @param open whether the channel is open here already.
   */
  protected abstract reach(
    channel: string,
    open: boolean,
  ): Promise<void> | undefined;

  /** Takes a valid message to a valid channel. */
  protected abstract transmit(
    channel: string,
    message: ChannelMessage,
  ): Promise<void>;

  protected abstract join(group: string, channel: string): Promise<void>;

  protected abstract leave(group: string, channel: string): Promise<void>;

  protected abstract broadcast(
    group: string,
    message: ChannelMessage,
  ): Promise<GroupSendResult>;

  /** Drops what the transport holds; the mailboxes are cleared after it. */
  protected abstract flushTransport(): Promise<void>;

  /** Releases the transport's connections and timers. */
  protected abstract closeTransport(): Promise<void>;

  /** Resolves when the transport answers. */
  protected abstract probe(): Promise<void>;

  /**
   * Told when a channel's consumer is gone and its mailbox forgotten; a
   * transport forgets what it keeps for it (a subscription, memberships).
   */
  protected released(_channel: string): void {}

  /**
   * Validates and opens `channel` for a receive or a listener, synchronously,
   * so that receives made in one turn take their places in that order.
   */
  private prepare(
    channel: string,
    signal: AbortSignal | undefined,
  ): Promise<void> | undefined {
    this.assertOpen();
    const open = this.mailboxes.isOpen(channel);
    if (!open) {
      assertChannelName(channel);
      signal?.throwIfAborted();
    }
    if (signal?.aborted) {
      return undefined;
    }
    const reaching = this.reach(channel, open);
    this.mailboxes.open(channel);
    return reaching;
  }
}
