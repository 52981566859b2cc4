import type { HistogramCounts } from '../common/latency-histogram';
import type { ClientProtocol } from '../targets/target';
import type { SendSchedule } from './send-schedule';

/** One connection a worker opens. */
export interface ClientSpec {
  url: string;
  /** Sends during steps (one per room). */
  sender: boolean;
}

/** Coordinator → worker; every request carries an `id` its reply repeats. */
export type WorkerRequest =
  | {
      id: number;
      cmd: 'connect';
      protocol: ClientProtocol;
      clients: ClientSpec[];
    }
  | {
      id: number;
      cmd: 'step';
      step: number;
      ratePerSender: number;
      durationMs: number;
      schedule: SendSchedule;
    }
  | { id: number; cmd: 'progress'; step: number }
  | { id: number; cmd: 'collect'; step: number }
  | { id: number; cmd: 'close' };

/** Worker → coordinator. */
export interface WorkerReply {
  id: number;
  /** connect: connections that failed to open, and the first error. */
  failed?: number;
  error?: string;
  /** step: messages sent. */
  sent?: number;
  /** progress, collect: messages of the step received so far. */
  received?: number;
  /** collect: latencies, and CPU ms this process used since the step began. */
  counts?: HistogramCounts;
  max?: number;
  cpuMs?: number;
  wallMs?: number;
  /** collect: error replies during the step, `[kind, count]`. */
  errors?: Array<[string, number]>;
  /** Connections lost since they opened. */
  lost?: number;
}
