import { assertMessage } from './assert-message';
import { DEFAULT_CHANNEL_PREFIX } from './channel-layer.constants';
import { assertChannelName, assertGroupName } from './channel-names';
import { ChannelLayerClosedError } from './errors';
import type { ChannelMessage } from './interfaces/channel-message.interface';
import type { ChannelNaming } from './interfaces/channel-naming.interface';
import type { LayerTransport } from './interfaces/layer-transport.interface';
import type {
  ListenOptions,
  MessageListener,
} from './interfaces/message-listener.interface';
import type { ReceiveOptions } from './interfaces/receive-options.interface';
import { LocalMailboxes, type LocalMailboxesOptions } from './local-mailboxes';

/**
 * What every backend shares, written once and composed into each: the
 * checks of every operation, the closed state, `newChannel` naming, and
 * delivery to this process's consumers through its `LocalMailboxes`. A
 * backend implements `ChannelLayer` itself: it hands `newChannel`, `receive`,
 * `listen`, `flush` and `close` to its core, which calls the backend's
 * `LayerTransport` when it must, and does its sends and group operations
 * after the core's checks.
 */
export class LayerCore {
  /** This process's channels: a backend delivers what arrives for them here. */
  readonly mailboxes: LocalMailboxes;
  private closed = false;

  constructor(
    private readonly naming: ChannelNaming,
    mailboxes: Omit<LocalMailboxesOptions, 'onRelease'>,
    private readonly transport: LayerTransport,
  ) {
    this.mailboxes = new LocalMailboxes({
      ...mailboxes,
      onRelease: transport.release?.bind(transport),
    });
  }

  /** `ChannelLayer.newChannel`: a fresh name, open here once the transport reaches it. */
  async newChannel(prefix = DEFAULT_CHANNEL_PREFIX): Promise<string> {
    this.assertOpen();
    const channel = `${prefix}.${this.naming.processId}!${this.naming.token()}`;
    assertChannelName(channel);
    // Nobody knows the name before it is returned, so nothing arrives for it
    // before it is open; and a transport that fails leaves nothing open.
    await this.transport.reach?.(channel, false);
    this.mailboxes.open(channel);
    return channel;
  }

  /** `ChannelLayer.receive` on a channel whose messages come to this process. */
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

  /** `ChannelLayer.listen` on a channel whose messages come to this process. */
  async listen<C>(
    channel: string,
    listener: MessageListener<C>,
    options: ListenOptions<C> = {},
  ): Promise<void> {
    const reaching = this.prepare(channel, options.signal);
    if (reaching) {
      await reaching;
    }
    this.mailboxes.listen(channel, listener, options);
  }

  /** `ChannelLayer.flush`: the transport's part, then every buffered message. */
  async flush(): Promise<void> {
    this.assertOpen();
    await this.transport.flush();
    this.mailboxes.clear();
  }

  /** `ChannelLayer.close`, once: the transport, then every receive and listener. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    await this.transport.close();
    // Last, so that a caller awaiting close() handles its receives' rejections in time.
    this.mailboxes.close();
  }

  /** Throws `ChannelLayerClosedError` once the layer is closed. */
  assertOpen(): void {
    if (this.closed) {
      throw new ChannelLayerClosedError();
    }
  }

  /** The checks of `ChannelLayer.send`: open, a valid channel and message. */
  checkSend(channel: string, message: ChannelMessage): void {
    this.assertOpen();
    assertChannelName(channel);
    assertMessage(message);
  }

  /** The checks of `groupAdd` and `groupDiscard`: open, valid names. */
  checkMembership(group: string, channel: string): void {
    this.assertOpen();
    assertGroupName(group);
    assertChannelName(channel);
  }

  /** The checks of `ChannelLayer.groupSend`: open, a valid group and message. */
  checkGroupSend(group: string, message: ChannelMessage): void {
    this.assertOpen();
    assertGroupName(group);
    assertMessage(message);
  }

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
    const reaching = this.transport.reach?.(channel, open);
    this.mailboxes.open(channel);
    return reaching;
  }
}
