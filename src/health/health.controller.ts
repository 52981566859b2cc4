import {
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ChannelLayer } from '../channel-layer';
import { ConsumerRuntime } from '../consumers';

/** How long `/readyz` waits for the layer's backend, in milliseconds. */
const READY_TIMEOUT_MS = 2_000;

/** The 503 answer of `/readyz`, with its reason. */
function unavailable(reason: string): ServiceUnavailableException {
  return new ServiceUnavailableException({ status: 'unavailable', reason });
}

/** Liveness and readiness probes for load balancers and orchestrators. */
@Controller()
export class HealthController {
  constructor(
    private readonly layer: ChannelLayer,
    private readonly runtime: ConsumerRuntime,
  ) {}

  /** 200 while the process runs. */
  @Get('healthz')
  @HttpCode(HttpStatus.OK)
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * 200 when the channel layer's backend answers, 503 with the reason when
   * not, and 503 from the start of a shutdown, so that a balancer sends new
   * connections elsewhere while this instance closes its sockets.
   */
  @Get('readyz')
  async ready(): Promise<{ status: 'ready' }> {
    if (!this.runtime.accepting) {
      throw unavailable('shutting down');
    }
    const timeout = AbortSignal.timeout(READY_TIMEOUT_MS);
    try {
      await Promise.race([
        this.layer.ping(),
        new Promise<never>((_, reject) =>
          timeout.addEventListener('abort', () =>
            reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)),
          ),
        ),
      ]);
    } catch (error) {
      throw unavailable(
        `channel layer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return { status: 'ready' };
  }
}
