/** S1/S2 figures of one target: the highest rate it held. */
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
}

/** S3 figures of one target at one number of idle connections per process. */
export interface IdleFigures {
  perProcess: number;
  /** (RSS after − RSS before) / connections of the loaded process, bytes. */
  bytesPerConnection: number;
  /** RSS of the loaded process with the connections open, bytes. */
  rss: number;
  failed: number;
}

/** What a scenario gives for one target: figures, or why there are none. */
export type Outcome<T> = { figures: T } | { error: string };
