import type { Logger } from '@nestjs/common';
import type { RawData, WebSocket } from 'ws';
import type { ConsumerConnection } from '../consumer-connection';
import type { ConsumerDefinition } from '../consumer-definition.interface';
import { bindSerialFrames } from './serial-frames';

/**
 * Hands each frame of `socket` straight to its gateway's `receive` (Channels'
 * `WebsocketConsumer.receive`), one at a time, and sends a non-nil result
 * back as JSON through the connection: no Nest pipeline (context, rxjs, pipes)
 * per frame, as nothing is bound to `receive`.
 */
export function bindConsumerFrames(
  definition: ConsumerDefinition,
  connection: ConsumerConnection,
  socket: WebSocket,
  logger: Logger,
): void {
  const { gateway, name } = definition;
  if (!gateway.receive) {
    return;
  }
  // Per connection only this frame handler and `failed`, nothing bound: an
  // idle connection costs its memory for as long as it is open.
  const failed = (error: unknown): void => {
    logger.error(`${name}.receive failed: ${String(error)}`);
  };
  bindSerialFrames(socket, (data: RawData, isBinary: boolean) => {
    let result: unknown;
    try {
      // `ws` hands text frames over as a Buffer (binaryType nodebuffer)
      result = gateway.receive?.(
        connection,
        isBinary ? (data as Buffer) : (data as Buffer).toString(),
      );
    } catch (error) {
      return failed(error);
    }
    if (result instanceof Promise) {
      return result.then((value) => reply(connection, value), failed);
    }
    reply(connection, result);
  });
}

/** Sends a non-nil result of `receive` back as JSON. */
function reply(connection: ConsumerConnection, result: unknown): void {
  if (result !== undefined && result !== null) {
    connection.sendJson(result);
  }
}
