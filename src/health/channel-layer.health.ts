import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ChannelLayer } from '../channel-layer';
import { RoomHistory } from '../chat/room-history';
import { ConsumerRuntime } from '../consumers';

/** How long `/readyz` waits for the layer's backend, in milliseconds. */
const READY_TIMEOUT_MS = 2_000;

/** Terminus indicators of what makes this instance ready for connections. */
@Injectable()
export class ChannelLayerHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly layer: ChannelLayer,
    private readonly rooms: RoomHistory,
    private readonly runtime: ConsumerRuntime,
  ) {}

  /**
   * `channel_layer`: up when the backend answers `ping()` in time, on the
   * layer's connections and the room history's (where chat messages are
   * sent when history is on), down with the error's message (Redis
   * unreachable, a timeout) when not.
   */
  backend() {
    return this.indicators
      .check('channel_layer')
      .attempt(async () => {
        await Promise.all([this.layer.ping(), this.rooms.ping()]);
      })
      .withTimeout(READY_TIMEOUT_MS);
  }

  /**
   * `runtime`: down from the start of a shutdown, so that a balancer sends
   * new connections elsewhere while this instance closes its sockets.
   */
  accepting() {
    const indicator = this.indicators.check('runtime');
    return this.runtime.accepting
      ? indicator.up()
      : indicator.down({ message: 'shutting down' });
  }
}
