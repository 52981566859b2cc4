import type { Logger } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { EMPTY, type Observable } from 'rxjs';
import { catchError, filter } from 'rxjs/operators';
import type { RawData, WebSocket } from 'ws';
import { ConsumerConnection } from '../consumer-connection';
import { bindSerialFrames } from './serial-frames';

/** A frame as `ws`'s `message` event target hands it over: text as a string. */
type Frame = string | RawData;

/** Maps a frame to the event and data of a `@SubscribeMessage` handler. */
export type FrameParser = (
  frame: Frame,
) => { event: string; data: unknown } | void;

/**
 * Does what `WsAdapter.bindMessageHandlers` does for one connection (parse each
 * frame, run its `@SubscribeMessage` handler through Nest's pipeline, send each
 * non-nil result back, log a handler's stream error) with one plain `message`
 * listener instead of a per-connection rxjs pipeline that every open
 * connection would keep alive; one frame at a time (`bindSerialFrames`), and
 * replies through the connection's `ConsumerConnection`, the one bounded send path.
 * Gateways that take frames in `receive` skip all of this (`bindConsumerFrames`).
 */
export function bindFrameHandlers(
  client: WebSocket,
  handlers: MessageMappingProperties[],
  transform: (data: unknown) => Observable<unknown>,
  parse: FrameParser,
  logger: Logger,
): void {
  if (handlers.length === 0) {
    return;
  }
  bindSerialFrames(client, (data, isBinary) => {
    let message;
    try {
      // `ws` hands text frames over as a Buffer (binaryType nodebuffer)
      message = parse(isBinary ? data : (data as Buffer).toString());
    } catch (error) {
      logger.error(error); // the app's own parser failed: a bug, not client input
      return;
    }
    // A gateway has a handful of handlers: a Map per connection would cost
    // more memory than this search costs time.
    const handler = message
      ? handlers.find((candidate) => candidate.message === message.event)
      : undefined;
    if (!message || !handler) {
      return;
    }
    let result: Observable<unknown>;
    try {
      result = transform(handler.callback(message.data, message.event));
    } catch {
      return; // as WsAdapter: a synchronous throw must not end this socket's frames
    }
    return new Promise<void>((resolve) =>
      result
        .pipe(
          filter((response) => response !== undefined && response !== null),
          catchError((error: unknown) => {
            logger.error(error);
            return EMPTY;
          }),
        )
        .subscribe({
          next: (response) => ConsumerConnection.of(client)?.sendJson(response),
          complete: resolve,
        }),
    );
  });
}
