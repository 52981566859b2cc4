/**
 * One connection's sends in flight (issued, not yet answered), at most
 * `size`, and the replies they owe its client, in frame order.
 *
 * A frame is handled once its group send is issued, not once Redis answers
 * it: a sender holding one round trip per message is what bounded a single
 * busy sender (one room of 500, saturation) while both cores were busy.
 * Sends are issued in frame order and each backend keeps issue order, so
 * messages still reach members in their sender's order. When `size` sends
 * are in flight the next frame waits, so the socket is not read and TCP
 * slows the client down, as before: memory stays bounded per connection.
 * Replies (the errors of failed sends, and of frames refused at once while
 * sends are in flight) go out in the order of the frames they answer.
 */
export class SendWindow<R> {
  private inFlight = 0;
  /** Settles once the reply of the last frame added is sent (or owed none). */
  private tail: Promise<void> = Promise.resolve();
  /** Wakes the frame waiting for a free slot (frames come one at a time: one at most). */
  private wake?: () => void;

  /**
   * @param size sends in flight at most.
   * @param reply sends a reply to the client.
   */
  constructor(
    private readonly size: number,
    private readonly reply: (reply: R) => void,
  ) {}

  /** Whether a send is in flight: a reply owed now must then wait its turn. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  /**
   * Takes a frame's outcome: its reply, if any, is sent once it settles,
   * after the replies of earlier frames. Resolves at once while the window
   * has room; otherwise once a send in flight settles.
   * @param outcome resolves with the reply the frame owes, or undefined; never rejects.
   */
  add(outcome: Promise<R | undefined>): Promise<void> | undefined {
    this.inFlight++;
    this.tail = this.tail
      .then(() => outcome)
      .then((reply) => {
        this.inFlight--;
        if (reply !== undefined) {
          this.reply(reply);
        }
        const wake = this.wake;
        this.wake = undefined;
        wake?.();
      });
    if (this.inFlight < this.size) {
      return undefined;
    }
    return new Promise<void>((resolve) => (this.wake = resolve));
  }
}
