import {
  Controller,
  Get,
  Inject,
  NotFoundException,
  Res,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Response } from 'express';
import { appConfig } from '../config/app.config';
import { ChannelsMetrics } from './channels-metrics';

/** `GET /metrics` on the app's port; 404 when metrics are off or on `METRICS_PORT`. */
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: ChannelsMetrics,
    @Inject(appConfig.KEY)
    private readonly config: ConfigType<typeof appConfig>,
  ) {}

  @Get('metrics')
  async scrape(@Res() response: Response): Promise<void> {
    const exposition =
      this.config.metrics.port === undefined
        ? await this.metrics.exposition()
        : undefined;
    if (!exposition) {
      throw new NotFoundException();
    }
    response.type(exposition.contentType).send(exposition.body);
  }
}
