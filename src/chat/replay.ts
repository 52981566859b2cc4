import {
  compareHistoryIds,
  isHistoryId,
  isNextHistoryId,
  type ChannelMessage,
  type HistoryMessage,
} from '../channel-layer';

/** What a connection gets of the room's history before live messages. */
export interface ReplayStart {
  /** `since` only: whether the history reached back to the id. */
  recovered?: boolean;
  /** The stored messages to send first, oldest first. */
  messages: HistoryMessage[];
  /**
   * When no message is to be sent first: the id the connection is up to (the
   * `since` id, or the room's newest at the read); none in a room without
   * history, where live messages start at a sequence 0.
   */
  after?: string;
}

/** Where a `Replay` writes, and where it reads what did not come live. */
export interface ReplayOutput {
  /** Writes a frame that is no room message (`{"recovered": …}`). */
  sendText(frame: string): void;
  /** Writes a room message. */
  send(message: ChannelMessage): void;
  /**
   * The room's stored messages after `id`, oldest first; `undefined` when
   * the history may have dropped some of them (trimmed, lapsed).
   */
  storedAfter(id: string): Promise<HistoryMessage[] | undefined>;
  /** Gives the connection up (it is closed with 1013, to resume), saying why. */
  lost(reason: string): void;
}

/**
 * Live messages a connection holds at most: before its history is sent
 * (past this its `chat.replay` is taken as lost, a dropped subscriber) and
 * behind a gap in the ids. Each is a reference to the message every member
 * shares.
 */
export const MAX_HELD_MESSAGES = 1_000;

/**
 * How long a gap in the ids may stay open before the missing messages are
 * read from the history. With two `redis` shards a newer message can
 * overtake an older one from another sender, which then comes within a
 * round trip; a message that will not come (a pub/sub subscriber that was
 * away) is read after this wait.
 */
export const GAP_WAIT_MS = 100;

/** Why a connection whose `chat.replay` was lost is closed. */
export const REPLAY_LOST = 'History replay did not arrive';

/** Why a connection that missed messages the history cannot give is closed. */
export const GAP_LOST = 'Missed messages that the history cannot give';

/** The id before every other: a room whose history is empty starts after it. */
const BEFORE_ALL = '0-0';

/**
 * A connection's room messages with history on, in id order, each once: the
 * history it asked for, then live messages. The connection joins its group
 * before the history is read, so every message stored later reaches it
 * live; those are held until the history has been sent, and from then on
 * each is sent once the one before it (by id) was. A gap in the ids (a
 * message overtaken by a newer one, or lost on the way) holds the messages
 * after it for `GAP_WAIT_MS`, then the missing ones are read from the
 * history; an id the history does not have is a message that was never sent.
 * Messages without an id (group-sent by others, such as a Django process)
 * are sent as they come.
 */
export class Replay {
  /** Live messages held until `start()`; `undefined` once started. */
  private held: ChannelMessage[] | undefined = [];
  /** The newest id sent: live messages up to it are duplicates. */
  private last: string;
  /** Live messages after a gap, in id order. */
  private behindGap: HistoryMessage[] = [];
  /** Waits for `start()` (`startWithin`), then for a gap to close. */
  private timer?: NodeJS.Timeout;
  private filling = false;
  private closed = false;

  constructor(
    private readonly begin: ReplayStart,
    private readonly output: ReplayOutput,
  ) {
    const newest = begin.messages.at(-1)?.id ?? begin.after;
    this.last =
      newest !== undefined && isHistoryId(newest) ? newest : BEFORE_ALL;
  }

  /**
   * Gives the connection up unless `start()` comes within `ms`: its
   * `chat.replay` lost in a room too quiet for `MAX_HELD_MESSAGES` to say so.
   */
  startWithin(ms: number): void {
    if (this.held && !this.closed) {
      this.wait(ms, () => this.giveUp(REPLAY_LOST));
    }
  }

  /** Stops all waiting and sending: the connection is gone. */
  dispose(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.held = undefined;
    this.behindGap = [];
  }

  /** A live message of the room, in the order it arrived. */
  push(message: ChannelMessage): void {
    if (this.closed) {
      return;
    }
    if (this.held) {
      this.held.push(message);
      if (this.held.length > MAX_HELD_MESSAGES) {
        this.giveUp(REPLAY_LOST);
      }
      return;
    }
    this.order(message);
  }

  /**
   * Sends `{"recovered": …}` (for `since`) and the history, then the live
   * messages held meanwhile that are new; nothing after the first call (a
   * foreign `chat.replay` sent to the group changes nothing).
   */
  start(): void {
    const held = this.held;
    if (!held || this.closed) {
      return;
    }
    this.held = undefined;
    clearTimeout(this.timer);
    if (this.begin.recovered !== undefined) {
      this.output.sendText(JSON.stringify({ recovered: this.begin.recovered }));
    }
    this.begin.messages.forEach((message) => this.output.send(message));
    held.forEach((message) => this.order(message));
  }

  private order(message: ChannelMessage): void {
    const id = message.id;
    if (typeof id !== 'string' || !isHistoryId(id)) {
      this.output.send(message);
    } else if (isNextHistoryId(this.last, id)) {
      this.sendInOrder(message as HistoryMessage);
      this.sendWhatFollows();
    } else if (compareHistoryIds(id, this.last) > 0) {
      this.holdBehindGap(message as HistoryMessage);
    }
  }

  private sendInOrder(message: HistoryMessage): void {
    this.output.send(message);
    this.last = message.id;
  }

  /** Sends the held messages that the last one sent made next. */
  private sendWhatFollows(): void {
    let next = this.behindGap[0];
    while (next && isNextHistoryId(this.last, next.id)) {
      this.sendInOrder(next);
      this.behindGap.shift();
      next = this.behindGap[0];
    }
    if (this.behindGap.length === 0 && !this.filling) {
      clearTimeout(this.timer);
    }
  }

  private holdBehindGap(message: HistoryMessage): void {
    // From the newest: messages mostly come in order, so this is one step.
    let at = this.behindGap.length;
    while (
      at > 0 &&
      compareHistoryIds(this.behindGap[at - 1].id, message.id) > 0
    ) {
      at--;
    }
    if (this.behindGap[at - 1]?.id !== message.id) {
      this.behindGap.splice(at, 0, message);
    }
    if (this.behindGap.length > MAX_HELD_MESSAGES) {
      this.giveUp(GAP_LOST);
    } else if (this.behindGap.length === 1 && !this.filling) {
      this.wait(GAP_WAIT_MS, () => void this.fillGap());
    }
  }

  /**
   * Reads what is missing from the history. Every message held when the
   * read starts was stored before it, and so was every message with a
   * smaller id: up to the newest of them, an id the read does not return
   * was never sent.
   */
  private async fillGap(): Promise<void> {
    const covered = this.behindGap.at(-1)?.id;
    if (covered === undefined || this.closed) {
      return;
    }
    this.filling = true;
    let stored: HistoryMessage[] | undefined;
    try {
      stored = await this.output.storedAfter(this.last);
    } catch {
      stored = undefined;
    }
    this.filling = false;
    if (this.closed) {
      return;
    }
    if (!stored) {
      this.giveUp(GAP_LOST);
      return;
    }
    const newest = stored.at(-1)?.id;
    const bound =
      newest !== undefined && compareHistoryIds(newest, covered) > 0
        ? newest
        : covered;
    const known = new Map(stored.map((message) => [message.id, message]));
    const later: HistoryMessage[] = [];
    for (const message of this.behindGap) {
      if (compareHistoryIds(message.id, bound) > 0) {
        later.push(message);
      } else if (!known.has(message.id)) {
        known.set(message.id, message);
      }
    }
    [...known.values()]
      .filter((message) => compareHistoryIds(message.id, this.last) > 0)
      .sort((a, b) => compareHistoryIds(a.id, b.id))
      .forEach((message) => this.sendInOrder(message));
    this.behindGap = later;
    this.sendWhatFollows();
    if (this.behindGap.length > 0) {
      this.wait(GAP_WAIT_MS, () => void this.fillGap());
    }
  }

  private wait(ms: number, then: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(then, ms);
    this.timer.unref(); // a closing process does not wait for it
  }

  private giveUp(reason: string): void {
    this.dispose();
    this.output.lost(reason);
  }
}
