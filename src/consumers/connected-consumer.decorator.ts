import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { Consumer } from './consumer';

/** Injects the `Consumer` of the socket that sent the frame into a message handler. */
export const ConnectedConsumer = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Consumer | undefined =>
    Consumer.of(context.switchToWs().getClient<WebSocket>()),
);
