import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { ConsumerConnection } from './consumer-connection';

/** Injects the `ConsumerConnection` of the socket that sent the frame into a message handler. */
export const SenderConnection = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ConsumerConnection | undefined =>
    ConsumerConnection.of(context.switchToWs().getClient<WebSocket>()),
);
