import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopChild, track } from '../common/children';
import { sumCounts, type Counts } from '../common/counts';
import { LatencyHistogram } from '../common/latency-histogram';
import type { ClientProtocol } from '../targets/target';
import type { SendSchedule } from './send-schedule';
import type { ClientSpec, WorkerReply, WorkerRequest } from './worker-protocol';

/**
 * A generator using this share of its CPUs or more (or a worker this share of
 * one core) is saturated: its results are generator-bound.
 */
export const SATURATED_CPU = 0.9;
/** How long a request to a worker may take. */
const REQUEST_TIMEOUT_MS = 120_000;

/** One step of load: what to send, and how long to wait for its deliveries. */
export interface StepPlan {
  /** Messages/s in all, split over the senders. */
  rate: number;
  senders: number;
  /** Deliveries each message makes (the room's clients, sender included). */
  fanOut: number;
  durationMs: number;
  drainMs: number;
  /** @default 'ticks' */
  schedule?: SendSchedule;
}

/** What one rate step measured. */
export interface StepResult {
  rate: number;
  sent: number;
  expected: number;
  received: number;
  latency: LatencyHistogram;
  durationMs: number;
  /**
   * The generator's CPU share during the step: the higher of its busiest
   * worker's share of one core and all workers' share of the CPUs they may use.
   */
  generatorCpu: number;
  /** Connections lost during the step. */
  lost: number;
  /** Error replies received during the step, by kind (`room_overloaded`). */
  errors: Counts;
}

type Request = WorkerRequest extends infer R
  ? R extends WorkerRequest
    ? Omit<R, 'id'>
    : never
  : never;

/** One forked worker process and its pending requests. */
class LoadWorker {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: WorkerReply) => void>();

  constructor(readonly child: ChildProcess) {
    child.on('message', (reply: WorkerReply) => {
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  request(request: Request): Promise<WorkerReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`load worker: ${request.cmd} timed out`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.child.send({ ...request, id });
    });
  }
}

/**
 * The share of `cpuCount` CPUs the workers used: the busiest worker's share of
 * the one core it can use, or all workers' share of the CPUs they share,
 * whichever is higher.
 */
function cpuShare(replies: readonly WorkerReply[], cpuCount: number): number {
  const shares = replies.map(
    (reply) => (reply.cpuMs ?? 0) / Math.max(1, reply.wallMs ?? 1),
  );
  const total = shares.reduce((sum, share) => sum + share, 0);
  return Math.max(...shares, total / cpuCount);
}

/** The load generator: connections spread round-robin over worker processes. */
export class LoadGenerator {
  private constructor(
    private readonly workers: LoadWorker[],
    private readonly cpuCount: number,
  ) {}

  /**
   * Forks `count` workers; they inherit this process's CPUs (`cpuCount` of
   * them), against which their CPU share is reckoned.
   */
  static start(count: number, cpuCount: number): LoadGenerator {
    const script = join(__dirname, 'worker.js');
    return new LoadGenerator(
      Array.from(
        { length: count },
        () => new LoadWorker(track(fork(script, [], { stdio: 'inherit' }))),
      ),
      cpuCount,
    );
  }

  /** A new generator of as many fresh workers on the same CPUs. */
  restarted(): LoadGenerator {
    return LoadGenerator.start(this.workers.length, this.cpuCount);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Opens every connection; resolves with how many failed and the first error. */
  async connect(
    protocol: ClientProtocol,
    clients: ClientSpec[],
  ): Promise<{ failed: number; error?: string }> {
    const shares = this.workers.map((): ClientSpec[] => []);
    clients.forEach((client, index) =>
      shares[index % shares.length].push(client),
    );
    const replies = await Promise.all(
      this.workers.map((worker, index) =>
        worker.request({ cmd: 'connect', protocol, clients: shares[index] }),
      ),
    );
    return {
      failed: replies.reduce((sum, reply) => sum + (reply.failed ?? 0), 0),
      error: replies.find((reply) => reply.error)?.error,
    };
  }

  /**
   * Sends `plan.rate` messages/s in all (split over the senders) for
   * `plan.durationMs`, then waits up to `plan.drainMs` for the `fanOut`
   * deliveries of each.
   */
  async step(step: number, plan: StepPlan): Promise<StepResult> {
    const { rate, senders, fanOut, durationMs, drainMs } = plan;
    const replies = await this.all({
      cmd: 'step',
      step,
      ratePerSender: rate / senders,
      durationMs,
      schedule: plan.schedule ?? 'ticks',
    });
    const sent = replies.reduce((sum, reply) => sum + (reply.sent ?? 0), 0);
    const expected = sent * fanOut;
    const deadline = Date.now() + drainMs;
    while (Date.now() < deadline) {
      const progress = await this.all({ cmd: 'progress', step });
      if (progress.reduce((sum, r) => sum + (r.received ?? 0), 0) >= expected) {
        break;
      }
      await sleep(25);
    }
    const collected = await this.all({ cmd: 'collect', step });
    const latency = new LatencyHistogram();
    for (const reply of collected) {
      latency.merge(reply.counts ?? [], reply.max ?? 0);
    }
    return {
      rate,
      sent,
      expected,
      received: latency.count,
      latency,
      durationMs,
      generatorCpu: cpuShare(collected, this.cpuCount),
      lost: collected.reduce((sum, reply) => sum + (reply.lost ?? 0), 0),
      errors: sumCounts(collected.flatMap((reply) => reply.errors ?? [])),
    };
  }

  /** Closes every connection. */
  async closeAll(): Promise<void> {
    await this.all({ cmd: 'close' });
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((worker) => stopChild(worker.child)));
  }

  private all(request: Request): Promise<WorkerReply[]> {
    return Promise.all(this.workers.map((worker) => worker.request(request)));
  }
}
