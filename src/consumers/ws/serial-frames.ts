import type { RawData, WebSocket } from 'ws';

/** Handles one frame; a returned promise holds the connection's later frames until it settles. */
export type FrameHandler = (
  data: RawData,
  isBinary: boolean,
) => Promise<void> | void;

/**
 * Hands `socket`'s frames to `handle` one at a time, in order, as a Channels
 * consumer gets its events: while a frame's handler runs, later frames wait
 * and the socket stops being read, so a burst is paced by the handler (TCP
 * pushes back on the client) instead of starting one group send per frame at
 * once. What waits is bounded by what `ws` had parsed when the socket paused:
 * one read's worth.
 */
export function bindSerialFrames(
  socket: WebSocket,
  handle: FrameHandler,
): void {
  new HandledFrames(socket, handle).bind();
}

/**
 * One connection's frames, one at a time (see `bindSerialFrames`); a subclass
 * says what handles each, as a method rather than a closure: an idle
 * connection keeps this object as long as it is open.
 */
export abstract class SerialFrames {
  /** Made on first use, as `settled`. */
  private waiting?: Array<[RawData, boolean]>;
  private busy = false;
  private settled?: () => void;

  constructor(protected readonly socket: WebSocket) {}

  /** Starts taking the socket's frames. */
  bind(): void {
    this.socket.on('message', (data: RawData, isBinary: boolean) =>
      this.push(data, isBinary),
    );
  }

  /** Handles one frame; a returned promise holds the later ones until it settles. */
  protected abstract handle(
    data: RawData,
    isBinary: boolean,
  ): Promise<void> | void;

  private push(data: RawData, isBinary: boolean): void {
    if (this.busy) {
      (this.waiting ??= []).push([data, isBinary]);
      this.socket.pause();
      return;
    }
    this.run(data, isBinary);
  }

  private drain(): void {
    const waiting = this.waiting;
    if (this.socket.readyState === this.socket.CLOSED) {
      // A closed consumer handles no more events.
      this.waiting = undefined;
      return;
    }
    while (!this.busy && waiting && waiting.length > 0) {
      const [data, isBinary] = waiting.shift() as [RawData, boolean];
      this.run(data, isBinary);
    }
    if (!this.busy && this.socket.isPaused) {
      this.socket.resume();
    }
  }

  private run(data: RawData, isBinary: boolean): void {
    const pending = this.handle(data, isBinary);
    if (pending) {
      this.busy = true;
      const settled = (this.settled ??= (): void => {
        this.busy = false;
        this.drain();
      });
      // Handlers catch their own errors; settle on either outcome all the same.
      pending.then(settled, settled);
    }
  }
}

/** Frames handed to a function. */
class HandledFrames extends SerialFrames {
  constructor(
    socket: WebSocket,
    private readonly handler: FrameHandler,
  ) {
    super(socket);
  }

  protected handle(data: RawData, isBinary: boolean): Promise<void> | void {
    return this.handler(data, isBinary);
  }
}
