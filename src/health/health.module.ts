import { Module } from '@nestjs/common';
import { ConsumersModule } from '../consumers';
import { HealthController } from './health.controller';

/** `/healthz` and `/readyz`. */
@Module({ imports: [ConsumersModule], controllers: [HealthController] })
export class HealthModule {}
