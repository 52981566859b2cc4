import {
  GroupHistory,
  type ChannelMessage,
  type GroupSendResult,
  type HistoryMessage,
  type HistorySince,
} from '../channel-layer';
import { measureGroupSend, type LayerMeasures } from './measured-channel-layer';

/**
 * A `GroupHistory` whose group sends count as the layer's do
 * (`channels_group_sends_total`, `channels_layer_operation_seconds{operation="groupSend"}`):
 * a history may send on its own Redis connections, past the measured layer.
 * It is built on the unmeasured layer, so that a send is counted once.
 */
export class MeasuredGroupHistory extends GroupHistory {
  constructor(
    private readonly inner: GroupHistory,
    private readonly measures: LayerMeasures,
  ) {
    super();
  }

  groupSend(
    group: string,
    message: ChannelMessage,
  ): Promise<GroupSendResult & { id: string }> {
    return measureGroupSend(
      this.measures,
      performance.now(),
      this.inner.groupSend(group, message),
    );
  }

  last(group: string, count: number): Promise<HistoryMessage[]> {
    return this.inner.last(group, count);
  }

  newestId(group: string): Promise<string | undefined> {
    return this.inner.newestId(group);
  }

  since(group: string, id: string): Promise<HistorySince> {
    return this.inner.since(group, id);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
