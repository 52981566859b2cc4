import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { appConfig } from '../config/app.config';
import { ChannelsMetrics } from './channels-metrics';

/**
 * `GET /metrics` on `METRICS_PORT`, apart from the app's port, so that it can
 * stay off the balancer and the internet: a bare `node:http` server that
 * answers that one path.
 */
@Injectable()
export class MetricsServer
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(MetricsServer.name);
  private server?: Server;

  constructor(
    private readonly metrics: ChannelsMetrics,
    @Inject(appConfig.KEY)
    private readonly config: ConfigType<typeof appConfig>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { enabled, port } = this.config.metrics;
    if (!enabled || port === undefined) {
      return;
    }
    this.server = createServer((request, response) => {
      const path = request.url?.split('?')[0];
      if (request.method !== 'GET' || path !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      this.metrics.exposition().then(
        (exposition) =>
          response
            .writeHead(200, { 'Content-Type': exposition?.contentType })
            .end(exposition?.body),
        (error: unknown) => {
          this.logger.error(`scrape failed: ${String(error)}`);
          response.writeHead(500).end();
        },
      );
    });
    this.server.listen(port, this.config.host);
    await once(this.server, 'listening');
    this.logger.log(`Metrics on http://${this.config.host}:${port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.server?.listening) {
      this.server.closeAllConnections();
      await new Promise((resolve) => this.server?.close(resolve));
    }
  }
}
