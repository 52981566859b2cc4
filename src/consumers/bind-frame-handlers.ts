import type { Logger } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { EMPTY, type Observable } from 'rxjs';
import { catchError, filter } from 'rxjs/operators';
import { WebSocket, type RawData } from 'ws';
import { Consumer } from './consumer';

/** A frame as `ws`'s `message` event target hands it over: text as a string. */
type Frame = string | RawData;

/** Maps a frame to the event and data of a `@SubscribeMessage` handler. */
export type FrameParser = (
  frame: Frame,
) => { event: string; data: unknown } | void;

/**
 * Does what `WsAdapter.bindMessageHandlers` does for one connection (parse each
 * frame, run its handler, send a non-nil result back, log a handler's stream
 * error) with one plain `message` listener instead of a per-connection rxjs
 * pipeline that every open connection would keep alive; and, as a Channels
 * consumer does, one frame at a time (see `SerialFrames`).
 */
export function bindFrameHandlers(
  client: WebSocket,
  handlers: MessageMappingProperties[],
  transform: (data: unknown) => Observable<unknown>,
  parse: FrameParser,
  logger: Logger,
): void {
  const frames = new SerialFrames(client, handlers, transform, parse, logger);
  client.on('message', (data: RawData, isBinary: boolean) =>
    frames.push(data, isBinary),
  );
  client.once('close', () => frames.clear());
}

/**
 * The frames of one connection, handled one at a time, in order: while a
 * frame's handler runs, later frames wait and the socket stops being read, so
 * a burst is paced by the handler (TCP pushes back on the client) instead of
 * starting one group send per frame at once. What waits is bounded by what
 * `ws` had parsed already when the socket paused: one read's worth.
 *
 * Replies go through the connection's `Consumer`: one bounded send path.
 */
class SerialFrames {
  private readonly waiting: Array<[RawData, boolean]> = [];
  private busy = false;

  constructor(
    private readonly client: WebSocket,
    private readonly handlers: MessageMappingProperties[],
    private readonly transform: (data: unknown) => Observable<unknown>,
    private readonly parse: FrameParser,
    private readonly logger: Logger,
  ) {}

  push(data: RawData, isBinary: boolean): void {
    if (this.busy) {
      this.waiting.push([data, isBinary]);
      this.client.pause();
      return;
    }
    this.busy = this.handle(data, isBinary);
  }

  /** Drops what waits: a closed consumer handles no more events. */
  clear(): void {
    this.waiting.length = 0;
  }

  private drain(): void {
    while (!this.busy && this.waiting.length > 0) {
      const [data, isBinary] = this.waiting.shift() as [RawData, boolean];
      this.busy = this.handle(data, isBinary);
    }
    if (!this.busy && this.client.isPaused) {
      this.client.resume();
    }
  }

  /** Runs one frame's handler; true while it still runs (it drains the rest when done). */
  private handle(data: RawData, isBinary: boolean): boolean {
    const result = this.run(data, isBinary);
    if (!result) {
      return false;
    }
    let running = true;
    let sync = true;
    result
      .pipe(
        filter((response) => response !== undefined && response !== null),
        catchError((error: unknown) => {
          this.logger.error(error);
          return EMPTY;
        }),
      )
      .subscribe({
        next: (response) => this.reply(response),
        complete: () => {
          running = false;
          if (!sync) {
            this.busy = false;
            this.drain();
          }
        },
      });
    sync = false;
    return running;
  }

  /** Parses a frame and starts its handler, if it has one. */
  private run(data: RawData, isBinary: boolean): Observable<unknown> | void {
    let message;
    try {
      // `ws` hands text frames over as a Buffer (binaryType nodebuffer)
      message = this.parse(isBinary ? data : (data as Buffer).toString());
    } catch (error) {
      this.logger.error(error); // the app's own parser failed: a bug, not client input
      return;
    }
    // A gateway has a handful of handlers: a Map per connection would cost
    // more memory than this search costs time.
    const handler = message
      ? this.handlers.find((candidate) => candidate.message === message.event)
      : undefined;
    if (!message || !handler) {
      return;
    }
    try {
      return this.transform(handler.callback(message.data, message.event));
    } catch {
      return; // as WsAdapter: a synchronous throw must not end this socket's frames
    }
  }

  private reply(response: unknown): void {
    const consumer = Consumer.of(this.client);
    if (consumer) {
      consumer.sendJson(response);
    } else if (this.client.readyState === WebSocket.OPEN) {
      this.client.send(JSON.stringify(response)); // a socket no runtime manages
    }
  }
}
