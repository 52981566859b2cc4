import {
  ChannelFullError,
  ChannelLayer,
  type ChannelMessage,
  type GroupSendResult,
  type ListenOptions,
  type MessageListener,
  type ReceiveOptions,
} from '../channel-layer';
import type { Count } from './hot-counter';
import type { TimedLayerOperation } from './metrics.constants';

/** Records one duration in seconds (a histogram already bound to its labels). */
export interface Observe {
  observe(seconds: number): void;
}

/** What a `MeasuredChannelLayer` reports to. */
export interface LayerMeasures {
  readonly seconds: Readonly<Record<TimedLayerOperation, Observe>>;
  /** Group sends the layer took. */
  readonly groupSends: Count;
  /** Sends refused because the channel was full. */
  readonly channelFull: Count;
}

/**
 * A `ChannelLayer` that times each call of another in
 * `channels_layer_operation_seconds`. `receive` and `listen` are passed
 * through untimed: a receive's duration is how long the channel stayed empty,
 * and both run per delivery, where no timer belongs.
 */
export class MeasuredChannelLayer extends ChannelLayer {
  constructor(
    private readonly inner: ChannelLayer,
    private readonly measures: LayerMeasures,
  ) {
    super();
  }

  receive(channel: string, options?: ReceiveOptions): Promise<ChannelMessage> {
    return this.inner.receive(channel, options);
  }

  listen(
    channel: string,
    listener: MessageListener,
    options: ListenOptions,
  ): Promise<void> {
    return this.inner.listen(channel, listener, options);
  }

  newChannel(prefix?: string): Promise<string> {
    return this.timed(
      'newChannel',
      performance.now(),
      this.inner.newChannel(prefix),
    );
  }

  send(channel: string, message: ChannelMessage): Promise<void> {
    const start = performance.now();
    return this.inner.send(channel, message).then(
      () => this.observe('send', start),
      (error: unknown) => {
        this.observe('send', start);
        if (error instanceof ChannelFullError) {
          this.measures.channelFull.inc();
        }
        throw error;
      },
    );
  }

  groupAdd(group: string, channel: string): Promise<void> {
    return this.timed(
      'groupAdd',
      performance.now(),
      this.inner.groupAdd(group, channel),
    );
  }

  groupDiscard(group: string, channel: string): Promise<void> {
    return this.timed(
      'groupDiscard',
      performance.now(),
      this.inner.groupDiscard(group, channel),
    );
  }

  groupSend(group: string, message: ChannelMessage): Promise<GroupSendResult> {
    const start = performance.now();
    return this.inner.groupSend(group, message).then(
      (result) => {
        this.observe('groupSend', start);
        this.measures.groupSends.inc();
        return result;
      },
      (error: unknown) => {
        this.observe('groupSend', start);
        throw error;
      },
    );
  }

  flush(): Promise<void> {
    return this.timed('flush', performance.now(), this.inner.flush());
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  ping(): Promise<void> {
    return this.timed('ping', performance.now(), this.inner.ping());
  }

  /**
   * `call`, observed once it settles. `then` rather than an async wrapper
   * or `finally`: one promise less per call (measured in bench/metrics).
   */
  private timed<T>(
    operation: TimedLayerOperation,
    start: number,
    call: Promise<T>,
  ): Promise<T> {
    return call.then(
      (value) => {
        this.observe(operation, start);
        return value;
      },
      (error: unknown) => {
        this.observe(operation, start);
        throw error;
      },
    );
  }

  /** Records the seconds since `start` (a `performance.now()`). */
  private observe(operation: TimedLayerOperation, start: number): void {
    this.measures.seconds[operation].observe(
      (performance.now() - start) / 1_000,
    );
  }
}
