import type { CommandCost } from '../common/redis-commands';
import type { Counts } from '../common/counts';

/** S1/S2 figures of one target: the highest rate it held, in the median of its ramps. */
export interface ThroughputFigures {
  /** Messages sent per second (all senders). */
  rate: number;
  deliveredPerS: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  loss: number;
  /** Server CPU seconds during the step, all processes. */
  serverCpuS: number;
  /** Server CPU microseconds per delivered message: efficiency, steadier than rates on a busy machine. */
  cpuUsPerDelivery: number;
  /** Peak RSS per server process during the scenario, bytes. */
  peakRss: number[];
  /** Highest CPU share of one core used by a load-generator worker. */
  generatorCpu: number;
  generatorBound: boolean;
  /** False when not even the first (lowest) rate was held. */
  held: boolean;
  /** Delivered messages/s of each ramp, in run order (one, or `--ramps` for a paired target). */
  ramps: number[];
}

/** S3 figures of one target at one number of idle connections per process. */
export interface IdleFigures {
  perProcess: number;
  /** (RSS after − RSS before) / connections of the loaded process, bytes. */
  bytesPerConnection: number;
  /** RSS of the loaded process with the connections open, bytes. */
  rss: number;
  /**
   * (Heap in use after a full GC, after − before) / connections, bytes: what
   * each connection keeps. Node targets only.
   */
  heapBytesPerConnection?: number;
  failed: number;
}

/** What a scenario gives for one target: figures, or why there are none. */
export type Outcome<T> = { figures: T } | { error: string };

/** One fixed-load run (one repetition) of one target. */
export interface FixedLoadRun {
  /** Which repetition it was (1, 2, …): a paired ratio compares runs of the same one. */
  rep: number;
  /** Messages sent in the measured window, all senders. */
  sent: number;
  /** Deliveries expected (sent × clients per room) and received. */
  expected: number;
  received: number;
  /** 1 − received / expected. */
  loss: number;
  /** Latency from each message's scheduled send time, ms. */
  p50: number;
  p99: number;
  max: number;
  /** CPU seconds of the server processes (and of Redis, for targets on Redis) over the window. */
  serverCpuS: number;
  /** Whether `serverCpuS` includes redis-server's CPU (targets on Redis). */
  withRedis: boolean;
  /** Of `serverCpuS`, what redis-server used (0 for targets without Redis). */
  redisCpuS: number;
  /** The commands Redis ran over the window, costliest first (targets on Redis). */
  redisCommands: CommandCost[];
  /** `serverCpuS` in µs per delivery received. */
  cpuUsPerDelivery: number;
  /** Highest CPU share (of one core) of a load-generator worker. */
  generatorCpu: number;
  /** Connections lost during the run. */
  lostConnections: number;
  /** Error replies the clients got during the run (warm-up included), by kind. */
  errorReplies: Counts;
}

/** A target's fixed-load runs of one scenario and their medians. */
export interface FixedLoadFigures {
  runs: FixedLoadRun[];
  /** Repetitions that failed (start, connect), with the first error. */
  failed: number;
  firstError?: string;
  /** Medians over `runs`. */
  cpuUsPerDelivery: number;
  p50: number;
  p99: number;
  loss: number;
  /** Deliveries expected and received, summed over the runs. */
  expected: number;
  received: number;
  /** Highest generator CPU share of any run. */
  generatorCpu: number;
  /** Error replies by kind, summed over the runs. */
  errorReplies: Counts;
}
