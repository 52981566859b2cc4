/** How the load generator speaks to a target. */
export type ClientProtocol =
  /** The tutorial's: `/ws/chat/<room>/`, text frames `{"message": "..."}`. */
  | 'chat'
  /** Socket.IO 4 over a bare WebSocket: `42["chat",{"message":"..."}]`. */
  | 'socketio';

/** A target's server processes, listening on loopback. */
export interface RunningTarget {
  /** One port per server process. */
  readonly ports: readonly number[];
  /** The server processes' ids, for CPU and RSS. */
  readonly pids: readonly number[];
  /** Kills every process of the target. */
  stop(): Promise<void>;
}

/** A chat server the bench starts, measures and stops. */
export interface Target {
  /** Short name in tables and charts: `nest redis-pubsub`. */
  readonly name: string;
  /** Server processes (sharing one Redis when more than one). */
  readonly processes: number;
  readonly protocol: ClientProtocol;
  /** Whether it needs the bench's Redis. */
  readonly usesRedis: boolean;
  /** Whether its processes answer the heap probe (`heap-probe.ts`: the Node targets). */
  readonly heapProbe: boolean;
  /** Why it cannot run on this machine, or undefined when it can. */
  unavailable(): string | undefined;
  start(redisUrl: string): Promise<RunningTarget>;
}
