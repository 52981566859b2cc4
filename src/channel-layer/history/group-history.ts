import type { ChannelMessage } from '../interfaces/channel-message.interface';
import type { GroupSendResult } from '../interfaces/group-send-result.interface';

/** A group message as its history keeps it: with its id under `id`. */
export type HistoryMessage = ChannelMessage & { id: string };

/** What `GroupHistory.since` found. */
export interface HistorySince {
  /** Whether the history still reaches back to the id asked for: nothing was missed. */
  recovered: boolean;
  /** The stored messages after that id, oldest first. */
  messages: HistoryMessage[];
}

/** How much history a group keeps. */
export interface GroupHistoryOptions {
  /** Messages kept per group; older ones are dropped. */
  size: number;
  /** Seconds a group's history is kept after its last message. */
  ttl: number;
}

/**
 * The recent messages of groups, kept by the backend that delivers them: a
 * group send through it adds an `id` to the message and stores it in the same
 * step. Ids are unique per group and count its messages: within one life of
 * a group's history (an epoch) the stored messages get consecutive sequences
 * from 0, so a receiver that sees a gap (`isNextHistoryId`) knows that a
 * message is still on its way or missed it, and can read it from `since`; a
 * number left out is a message that could not be sent. A history that lapsed
 * or was lost starts a later epoch at 0.
 */
export abstract class GroupHistory {
  /**
   * As `ChannelLayer.groupSend`, with the message's new id added to it (under
   * `id`) and to the result; a message that could not be sent is not stored.
   */
  abstract groupSend(
    group: string,
    message: ChannelMessage,
  ): Promise<GroupSendResult & { id: string }>;

  /** The last `count` stored messages of `group`, oldest first. */
  abstract last(group: string, count: number): Promise<HistoryMessage[]>;

  /** The id of the newest stored message of `group`, if any. */
  abstract newestId(group: string): Promise<string | undefined>;

  /** The stored messages of `group` after `id`, and whether none was missed. */
  abstract since(group: string, id: string): Promise<HistorySince>;

  /**
   * Resolves when the history's backend answers, for `/readyz`: a history
   * may send on connections of its own, which recover apart from the layer's.
   */
  abstract ping(): Promise<void>;

  /** Releases connections. */
  abstract close(): Promise<void>;
}
