/** How a backend names its channels: `<prefix>.<processId>!<token>`. */
export interface ChannelNaming {
  /** This process's part of every name it makes. */
  readonly processId: string;
  /** A fresh random part for each name. */
  token(): string;
}
