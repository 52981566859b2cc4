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
  const frames = new SerialFrames(socket, handle);
  socket.on('message', (data: RawData, isBinary: boolean) =>
    frames.push(data, isBinary),
  );
}

class SerialFrames {
  private readonly waiting: Array<[RawData, boolean]> = [];
  private busy = false;
  private readonly settled = (): void => {
    this.busy = false;
    this.drain();
  };

  constructor(
    private readonly socket: WebSocket,
    private readonly handle: FrameHandler,
  ) {}

  push(data: RawData, isBinary: boolean): void {
    if (this.busy) {
      this.waiting.push([data, isBinary]);
      this.socket.pause();
      return;
    }
    this.run(data, isBinary);
  }

  private drain(): void {
    if (this.socket.readyState === this.socket.CLOSED) {
      // A closed consumer handles no more events.
      this.waiting.length = 0;
      return;
    }
    while (!this.busy && this.waiting.length > 0) {
      const [data, isBinary] = this.waiting.shift() as [RawData, boolean];
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
      // Handlers catch their own errors; settle on either outcome all the same.
      pending.then(this.settled, this.settled);
    }
  }
}
