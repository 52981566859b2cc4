import type { ChannelLayer, GroupHistory } from '../channel-layer';
import type { HandshakeOutcome } from '../consumers';
import { NO_COUNT, type Count } from './hot-counter';
import {
  DROP_REASONS,
  FRAME_OUTCOMES,
  HANDSHAKE_OUTCOMES,
  type DropReason,
  type FrameOutcome,
} from './metrics.constants';

/** One `Count` per value, every one `NO_COUNT`. */
function noCounts<V extends string>(values: readonly V[]): Record<V, Count> {
  return Object.fromEntries(values.map((value) => [value, NO_COUNT])) as Record<
    V,
    Count
  >;
}

/** The text a scrape returns. */
export interface MetricsExposition {
  contentType: string;
  body: string;
}

/**
 * What the runtime counts (README: Operations), and the DI token to inject.
 * This class counts nothing: it is what `METRICS_ENABLED=false` provides, so
 * that the hot path's calls cost an empty call and the layer is not wrapped.
 * `PrometheusChannelsMetrics` counts.
 */
export class ChannelsMetrics {
  /** Frames written to WebSocket clients: `channels_deliveries_total`. */
  readonly deliveries: Count = NO_COUNT;
  /** `channels_frames_total{outcome}`, one count per outcome. */
  readonly frames: Readonly<Record<FrameOutcome, Count>> =
    noCounts(FRAME_OUTCOMES);
  /** `channels_dropped_total{reason}`, one count per reason. */
  readonly dropped: Readonly<Record<DropReason, Count>> =
    noCounts(DROP_REASONS);
  /** `channels_handshakes_total{outcome}`, one count per outcome. */
  readonly handshakes: Readonly<Record<HandshakeOutcome, Count>> =
    noCounts(HANDSHAKE_OUTCOMES);

  /** A connection on route `path` (`/ws/chat/:room/`) opened. */
  connectionOpened(_path: string): void {}

  /** A connection on route `path` closed with `code`. */
  connectionClosed(_path: string, _code: number): void {}

  /** `layer`, timed per operation when metrics are on. */
  measureLayer(layer: ChannelLayer, _backend: string): ChannelLayer {
    return layer;
  }

  /** The layer `measureLayer` wrapped, unwrapped: for a sender measured on its own. */
  unmeasured(layer: ChannelLayer): ChannelLayer {
    return layer;
  }

  /**
   * `history` (built on the `unmeasured` layer), its group sends counted as
   * the layer's when metrics are on.
   */
  measureHistory(history: GroupHistory): GroupHistory {
    return history;
  }

  /** The Prometheus text exposition; `undefined` when metrics are off. */
  async exposition(): Promise<MetricsExposition | undefined> {
    return undefined;
  }
}
