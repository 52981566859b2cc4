/** Options of `ChannelLayer.receive`. */
export interface ReceiveOptions {
  /** Cancels the receive, as Channels cancels a consumer's task. */
  signal?: AbortSignal;
}
