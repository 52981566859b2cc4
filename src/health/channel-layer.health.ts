import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ChannelLayer } from '../channel-layer';
import { ConsumerRuntime } from '../consumers';

/** How long `/readyz` waits for the layer's backend, in milliseconds. */
const READY_TIMEOUT_MS = 2_000;

/** Terminus indicators of what makes this instance ready for connections. */
@Injectable()
export class ChannelLayerHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly layer: ChannelLayer,
    private readonly runtime: ConsumerRuntime,
  ) {}

  /**
   * `channel_layer`: up when the backend answers `ping()` in time, down with
   * the error's message (Redis unreachable, a timeout) when not.
   */
  backend() {
    return this.indicators
      .check('channel_layer')
      .attempt(() => this.layer.ping())
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
