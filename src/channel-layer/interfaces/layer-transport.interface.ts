/**
 * What a backend gives its `LayerCore`: the transport side of this process's
 * channels. The core calls it at the right moment of `newChannel`, a receive
 * or a listener, a release, `flush` and `close`; everything else a backend
 * does in its own `ChannelLayer` methods, after the core's checks.
 */
export interface LayerTransport {
  /**
   * Makes the messages of `channel` come to this process's mailboxes
   * (subscribe, read its Redis key), for `newChannel`, a receive or a
   * listener; undefined when there is nothing to wait for. It may throw
   * (a channel of another process): the channel is then not opened.
   * @param open whether the channel is open here already.
   */
  reach?(channel: string, open: boolean): Promise<void> | undefined;

  /**
   * Told when a channel's consumer is gone and its mailbox forgotten; forgets
   * what it keeps for it (a subscription, memberships).
   */
  release?(channel: string): void;

  /** Drops what the transport holds; the core clears the mailboxes after it. */
  flush(): Promise<void>;

  /** Releases connections and timers; the core closes the mailboxes after it. */
  close(): Promise<void>;
}
