import * as ws from 'ws';

/** ws's `Sender.frame` options for one unmasked, uncompressed, final text frame. */
const TEXT: FrameOptions = {
  fin: true,
  opcode: 1,
  mask: false,
  readOnly: false,
  rsv1: false,
};

interface FrameOptions {
  readonly fin: boolean;
  readonly opcode: number;
  readonly mask: boolean;
  readonly readOnly: boolean;
  readonly rsv1: boolean;
}

/**
 * What this file uses of ws beyond its typings: `Sender.frame` (public, added
 * for broadcasts: websockets/ws#1016) and a socket's `_sender.sendFrame`,
 * which Socket.IO's engine.io uses for the same purpose.
 */
interface WsSender {
  sendFrame(list: Buffer[]): void;
  /** 0 (DEFAULT) unless it is compressing or reading a `Blob`, when it queues frames. */
  _state: number;
  /** False while a fragmented message (`send` with `fin: false`) is unfinished. */
  _firstFragment: boolean;
}
const { Sender } = ws as unknown as {
  Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] };
};

/**
 * One text message as a complete WebSocket frame, framed once and written as
 * is to every socket it goes to. ws frames each `send` again (an options
 * object, a header buffer, a corked write of two parts); a group send's frame
 * is the same for all of a process's members, so, as Socket.IO does for a
 * broadcast (its `wsPreEncodedFrame`), it is built once and each member's
 * socket gets one plain write.
 */
export class TextFrame {
  private constructor(
    /** The message's UTF-8 text, for a socket that needs `send` (see `writeFrame`). */
    readonly text: Buffer,
    /** Header and text in one buffer. */
    readonly bytes: Buffer,
  ) {}

  static of(text: string): TextFrame {
    const payload = Buffer.from(text);
    return new TextFrame(payload, Buffer.concat(Sender.frame(payload, TEXT)));
  }
}

/**
 * Writes `frame` to `socket`: as is through ws's own sender, which keeps it
 * in order with ws's other frames (pings, close), when that sender writes at
 * once; through `send` otherwise: when an extension rewrites frames
 * (permessage-deflate), while the sender queues frames (it compresses, or
 * reads a `Blob`), while a fragmented message is unfinished, or when ws no
 * longer has these fields. Decided per write, not kept per connection: a
 * closure per connection would cost each idle one memory.
 */
export function writeFrame(socket: ws.WebSocket, frame: TextFrame): void {
  const sender = (socket as unknown as { _sender?: Partial<WsSender> })._sender;
  if (
    socket.extensions === '' &&
    typeof sender?.sendFrame === 'function' &&
    sender._state === 0 &&
    sender._firstFragment === true
  ) {
    sender.sendFrame([frame.bytes]);
  } else {
    socket.send(frame.text, { binary: false });
  }
}
