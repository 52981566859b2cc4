import { Global, Module } from '@nestjs/common';
import { EdgeGuard } from './edge-guard';

/** The edge's checks, for the WebSocket adapter, the HTTP middleware and the gateways. */
@Global()
@Module({ providers: [EdgeGuard], exports: [EdgeGuard] })
export class EdgeModule {}
