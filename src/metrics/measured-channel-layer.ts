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
  /**
   * @param inner the layer measured (what `ChannelsMetrics.unmeasured` gives
   * back, for a sender measured on its own: a group history).
   */
  constructor(
    readonly inner: ChannelLayer,
    private readonly measures: LayerMeasures,
  ) {
    super();
  }

  receive(channel: string, options?: ReceiveOptions): Promise<ChannelMessage> {
    return this.inner.receive(channel, options);
  }

  listen<C>(
    channel: string,
    listener: MessageListener<C>,
    options: ListenOptions<C> = {},
  ): Promise<void> {
    // Passed on as given: whether it carries its listener's context is the caller's check.
    return this.inner.listen(
      channel,
      listener,
      options as ListenOptions<C> & { context: C },
    );
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
    return measureGroupSend(
      this.measures,
      performance.now(),
      this.inner.groupSend(group, message),
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

/**
 * A group send (`send`, begun at `start`, a `performance.now()`), timed in
 * `measures` and counted once it took: one way to measure it for the layer
 * and for a group history that sends on its own connections.
 */
export function measureGroupSend<T>(
  measures: LayerMeasures,
  start: number,
  send: Promise<T>,
): Promise<T> {
  return send.then(
    (result) => {
      measures.seconds.groupSend.observe((performance.now() - start) / 1_000);
      measures.groupSends.inc();
      return result;
    },
    (error: unknown) => {
      measures.seconds.groupSend.observe((performance.now() - start) / 1_000);
      throw error;
    },
  );
}
