import type { Logger } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { EMPTY, type Observable } from 'rxjs';
import { catchError, filter } from 'rxjs/operators';
import { WebSocket, type RawData } from 'ws';

/** A frame as `ws`'s `message` event target hands it over: text as a string. */
type Frame = string | RawData;

/** Maps a frame to the event and data of a `@SubscribeMessage` handler. */
export type FrameParser = (
  frame: Frame,
) => { event: string; data: unknown } | void;

/**
 * Does what `WsAdapter.bindMessageHandlers` does for one connection (parse each
 * frame, run its handler, send a non-nil result back while the socket is
 * open, log a handler's stream error) with one plain `message` listener
 * instead of a per-connection rxjs pipeline (fromEvent, share, first,
 * mergeMap, takeUntil) that every open connection would keep alive:
 * a few KiB less per idle connection, the same work per frame.
 */
export function bindFrameHandlers(
  client: WebSocket,
  handlers: MessageMappingProperties[],
  transform: (data: unknown) => Observable<unknown>,
  parse: FrameParser,
  logger: Logger,
): void {
  const reply = (response: unknown): void => {
    if (client.readyState === WebSocket.OPEN) {
      client.send(JSON.stringify(response));
    }
  };
  client.on('message', (data: RawData, isBinary: boolean) => {
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
    result
      .pipe(
        filter((response) => response !== undefined && response !== null),
        catchError((error: unknown) => {
          logger.error(error);
          return EMPTY;
        }),
      )
      .subscribe(reply);
  });
}
