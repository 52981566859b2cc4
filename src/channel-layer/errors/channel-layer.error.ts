/** Base class of every error the channel layer throws. */
export class ChannelLayerError extends Error {
  override get name(): string {
    return this.constructor.name;
  }
}
