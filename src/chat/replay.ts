import {
  compareHistoryIds,
  isHistoryId,
  type ChannelMessage,
  type HistoryMessage,
} from '../channel-layer';
import { messageFrame } from './message-frame';

/** What a connection that asked for history gets before live messages. */
export interface ReplayStart {
  /** `since` only: whether the history reached back to the id. */
  recovered?: boolean;
  /** The stored messages, oldest first. */
  messages: HistoryMessage[];
  /** The id the client has seen up to (`since`), when no message is newer. */
  after?: string;
}

/**
 * Live messages a connection holds at most while its history is read: past
 * this its `chat.replay` is taken as lost (a dropped subscriber) and the
 * connection is closed to resume, rather than holding a busy room's messages
 * without bound. Each is a reference to the message every member shares.
 */
export const MAX_HELD_MESSAGES = 1_000;

/**
 * The history a connection asked for, then its live messages, without gap
 * or duplicate. The connection joins its group before the history is read,
 * so every message stored later reaches it live; live messages are held
 * until the history has been sent, then those the history (or the client)
 * had already are dropped.
 */
export class Replay {
  /** Live messages held until `start()`; `undefined` once started. */
  private held: ChannelMessage[] | undefined = [];
  /**
   * Live messages up to this id are duplicates, for the connection's life:
   * live messages need not come in id order (two senders on different
   * `redis` shards), so one the history had may come after a newer one.
   */
  private readonly after?: string;
  /** Ends the wait for `start()` (`startWithin`). */
  private deadline?: NodeJS.Timeout;

  constructor(private readonly begin: ReplayStart) {
    const last = begin.messages.at(-1)?.id ?? begin.after;
    this.after = last !== undefined && isHistoryId(last) ? last : undefined;
  }

  /** Whether more than `MAX_HELD_MESSAGES` came before the history was sent. */
  get overflowing(): boolean {
    return (this.held?.length ?? 0) > MAX_HELD_MESSAGES;
  }

  /**
   * Calls `onLost` unless `start()` comes within `ms`: its `chat.replay`
   * lost in a room too quiet for `overflowing` to say so.
   */
  startWithin(ms: number, onLost: () => void): void {
    if (!this.held) {
      return;
    }
    this.deadline = setTimeout(onLost, ms);
    this.deadline.unref(); // a closing process does not wait for it
  }

  /** Stops waiting for `start()`: the connection is gone. */
  dispose(): void {
    clearTimeout(this.deadline);
  }

  /** Whether a live message is to be sent now; held ones come from `start()`. */
  admit(message: ChannelMessage): boolean {
    if (this.held) {
      this.held.push(message);
      return false;
    }
    return this.isNew(message);
  }

  /**
   * The frames to send first (`{"recovered": …}`, then the history), and
   * the live messages held meanwhile that are new; nothing after the first
   * call (a foreign `chat.replay` sent to the group changes nothing).
   */
  start(): { frames: string[]; live: ChannelMessage[] } {
    const held = this.held;
    if (!held) {
      return { frames: [], live: [] };
    }
    this.held = undefined;
    this.dispose();
    const history = this.begin.messages.map(messageFrame);
    return {
      frames:
        this.begin.recovered === undefined
          ? history
          : [JSON.stringify({ recovered: this.begin.recovered }), ...history],
      live: held.filter((message) => this.isNew(message)),
    };
  }

  private isNew(message: ChannelMessage): boolean {
    const id = message.id;
    return (
      this.after === undefined ||
      typeof id !== 'string' ||
      !isHistoryId(id) ||
      compareHistoryIds(id, this.after) > 0
    );
  }
}
