import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ChannelLayerHealthIndicator } from './channel-layer.health';

/**
 * Liveness and readiness probes for load balancers and orchestrators, as
 * terminus health checks: 200 with `{"status": "ok", …}`, or 503 with
 * `{"status": "error", "error": {<indicator>: {"status": "down", "message": …}}, …}`.
 */
@Controller()
export class HealthController {
  constructor(
    private readonly checks: HealthCheckService,
    private readonly indicator: ChannelLayerHealthIndicator,
  ) {}

  /** 200 while the process runs. */
  @Get('healthz')
  @HealthCheck()
  health() {
    return this.checks.check([]);
  }

  /** 200 when accepting connections and the channel layer's backend answers; 503 with the reason when not. */
  @Get('readyz')
  @HealthCheck()
  ready() {
    return this.checks.check([
      () => this.indicator.accepting(),
      () => this.indicator.backend(),
    ]);
  }
}
