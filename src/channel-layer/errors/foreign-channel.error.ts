import { ChannelLayerError } from './channel-layer.error';

/** `receive` on a process-local channel that another process created. */
export class ForeignChannelError extends ChannelLayerError {
  constructor(readonly channel: string) {
    super(
      `Channel "${channel}" belongs to another process: only the process that created a "!" channel can receive on it`,
    );
  }
}
