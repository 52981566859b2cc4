/**
 * Where the pub/sub layer subscribes and publishes: one Redis server
 * (`PubSubShard`, plain PUBLISH/SUBSCRIBE) or a whole Redis Cluster
 * (`ShardedPubSub`, SPUBLISH/SSUBSCRIBE on the node owning each name's slot).
 */
export interface PubSubServer {
  /** Whether `name` is subscribed, or its subscription is on its way. */
  has(name: string): boolean;
  /** Resolves once `name` is subscribed; rejects, forgetting it, if Redis is away. */
  subscribe(name: string): Promise<void>;
  /** Stops receiving `name`; never fails. */
  unsubscribe(name: string): Promise<void>;
  /**
   * Publishes after this process's subscription changes in flight; resolves
   * with how many subscriber connections (processes) received it.
   */
  publish(name: string, payload: Buffer): Promise<number>;
  /** Resolves when Redis answers and the subscriptions are in place. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
