/** A message on a channel layer: a plain object with a string `type`. */
export interface ChannelMessage {
  type: string;
  [key: string]: unknown;
}
