/**
 * What a group send did, so that a caller can tell a message that reached
 * nobody from one that reached someone (a group send never fails because a
 * member is full).
 */
export interface GroupSendResult {
  /**
   * Destinations that took the message: member channels (`memory`), channel
   * keys in Redis, one per process for its channels (`redis`), processes
   * subscribed to the group (`redis-pubsub`).
   */
  readonly accepted: number;
  /** Destinations skipped because they were full. */
  readonly full: number;
}
