import type { Logger } from '@nestjs/common';
import type { RawData, WebSocket } from 'ws';
import type { ConsumerConnection } from '../consumer-connection';
import type { ConsumerDefinition } from '../consumer-definition.interface';
import { SerialFrames } from './serial-frames';

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
  if (definition.gateway.receive) {
    new ConsumerFrames(socket, definition, connection, logger).bind();
  }
}

/**
 * A connection's frames to its gateway's `receive`: per connection this
 * object and the socket's `message` listener, no closure that an idle
 * connection would keep as long as it is open.
 */
class ConsumerFrames extends SerialFrames {
  constructor(
    socket: WebSocket,
    private readonly definition: ConsumerDefinition,
    private readonly connection: ConsumerConnection,
    private readonly logger: Logger,
  ) {
    super(socket);
  }

  protected handle(data: RawData, isBinary: boolean): Promise<void> | void {
    const { connection } = this;
    let result: unknown;
    try {
      // `ws` hands text frames over as a Buffer (binaryType nodebuffer)
      result = this.definition.gateway.receive?.(
        connection,
        isBinary ? (data as Buffer) : (data as Buffer).toString(),
      );
    } catch (error) {
      return this.failed(error);
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => reply(connection, value),
        (error: unknown) => this.failed(error),
      );
    }
    reply(connection, result);
  }

  /** Logs a `receive` that threw or rejected. */
  private failed(error: unknown): void {
    this.logger.error(
      `${this.definition.name}.receive failed: ${String(error)}`,
    );
  }
}

/** Sends a non-nil result of `receive` back as JSON. */
function reply(connection: ConsumerConnection, result: unknown): void {
  if (result !== undefined && result !== null) {
    connection.sendJson(result);
  }
}
