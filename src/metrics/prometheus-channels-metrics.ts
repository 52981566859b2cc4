import type { OnModuleDestroy } from '@nestjs/common';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import {
  LAYER_DROP_DIAGNOSTICS,
  REDIS_RECONNECT_DIAGNOSTICS,
  type ChannelLayer,
  type GroupHistory,
  type LayerDrop,
} from '../channel-layer';
import { ChannelsMetrics, type MetricsExposition } from './channels-metrics';
import { hotCounter, hotCounters } from './hot-counter';
import { HotHistogram } from './hot-histogram';
import {
  MeasuredChannelLayer,
  type LayerMeasures,
  type Observe,
} from './measured-channel-layer';
import { MeasuredGroupHistory } from './measured-group-history';
import {
  BACKEND_UP_TIMEOUT_MS,
  DROP_REASONS,
  FRAME_OUTCOMES,
  HANDSHAKE_OUTCOMES,
  LAYER_SECONDS_BUCKETS,
  TIMED_LAYER_OPERATIONS,
  type TimedLayerOperation,
} from './metrics.constants';

/** `ChannelsMetrics` counted into a prom-client registry of this application's own. */
export class PrometheusChannelsMetrics
  extends ChannelsMetrics
  implements OnModuleDestroy
{
  private readonly registry = new Registry();
  override readonly deliveries = hotCounter(
    this.registry,
    'channels_deliveries_total',
    'Frames written to WebSocket clients.',
  );
  override readonly frames = hotCounters(
    this.registry,
    'channels_frames_total',
    'Client frames, by outcome: accepted, or the error code answered.',
    'outcome',
    FRAME_OUTCOMES,
  );
  override readonly dropped = hotCounters(
    this.registry,
    'channels_dropped_total',
    'Messages that did not reach a socket, by reason.',
    'reason',
    DROP_REASONS,
  );
  override readonly handshakes = hotCounters(
    this.registry,
    'channels_handshakes_total',
    'WebSocket handshakes, by outcome.',
    'outcome',
    HANDSHAKE_OUTCOMES,
  );
  private readonly groupSends = hotCounter(
    this.registry,
    'channels_group_sends_total',
    'Group sends the channel layer took.',
  );
  private readonly connections = new Gauge({
    name: 'channels_connections',
    help: 'Open WebSocket connections, by route.',
    labelNames: ['path'],
    registers: [this.registry],
  });
  private readonly closes = new Counter({
    name: 'channels_closes_total',
    help: 'Closed WebSocket connections, by close code.',
    labelNames: ['code'],
    registers: [this.registry],
  });
  private readonly layerSeconds = new HotHistogram({
    name: 'channels_layer_operation_seconds',
    help: 'Channel layer calls, by operation and backend.',
    labelNames: ['operation', 'backend'],
    buckets: LAYER_SECONDS_BUCKETS,
    registers: [this.registry],
  });
  private readonly reconnects = new Counter({
    name: 'channels_redis_reconnects_total',
    help: 'Redis connections of the channel layer re-established after a loss.',
    registers: [this.registry],
  });
  private readonly onReconnect = (): void => this.reconnects.inc();
  private readonly onDrop = (drop: unknown): void =>
    this.dropped[(drop as LayerDrop).reason].inc();
  private layer?: ChannelLayer;
  private measures?: LayerMeasures;

  constructor() {
    super();
    collectDefaultMetrics({ register: this.registry });
    const backendAnswers = (): Promise<boolean> => this.backendAnswers();
    new Gauge({
      name: 'channels_layer_backend_up',
      help: "1 when the channel layer's backend answers a ping, 0 when not.",
      registers: [this.registry],
      async collect() {
        this.set((await backendAnswers()) ? 1 : 0);
      },
    });
    subscribe(REDIS_RECONNECT_DIAGNOSTICS, this.onReconnect);
    subscribe(LAYER_DROP_DIAGNOSTICS, this.onDrop);
  }

  override connectionOpened(path: string): void {
    this.connections.inc({ path });
  }

  override connectionClosed(path: string, code: number): void {
    this.connections.dec({ path });
    this.closes.inc({ code: String(code) });
  }

  override measureLayer(layer: ChannelLayer, backend: string): ChannelLayer {
    const seconds = {} as Record<TimedLayerOperation, Observe>;
    for (const operation of TIMED_LAYER_OPERATIONS) {
      seconds[operation] = this.layerSeconds.series({ operation, backend });
    }
    this.measures = {
      seconds,
      groupSends: this.groupSends,
      channelFull: this.dropped.channel_full,
    };
    this.layer = new MeasuredChannelLayer(layer, this.measures);
    return this.layer;
  }

  override unmeasured(layer: ChannelLayer): ChannelLayer {
    return layer instanceof MeasuredChannelLayer ? layer.inner : layer;
  }

  override measureHistory(history: GroupHistory): GroupHistory {
    return this.measures
      ? new MeasuredGroupHistory(history, this.measures)
      : history;
  }

  override async exposition(): Promise<MetricsExposition> {
    return {
      contentType: this.registry.contentType,
      body: await this.registry.metrics(),
    };
  }

  onModuleDestroy(): void {
    unsubscribe(REDIS_RECONNECT_DIAGNOSTICS, this.onReconnect);
    unsubscribe(LAYER_DROP_DIAGNOSTICS, this.onDrop);
  }

  private async backendAnswers(): Promise<boolean> {
    if (!this.layer) {
      return false;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.layer.ping(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(reject, BACKEND_UP_TIMEOUT_MS);
        }),
      ]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer); // a scrape must not leave a timer behind it
    }
  }
}
