import { setTimeout as sleep } from 'node:timers/promises';
import { LatencyHistogram } from '../common/latency-histogram';
import type { ClientProtocol } from '../targets/target';
import { BenchClient } from './bench-client';
import { epochNow, sendOnSchedule, type SendSchedule } from './send-schedule';
import type { ClientSpec, WorkerReply, WorkerRequest } from './worker-protocol';

/**
 * A load-generator process (forked by `LoadGenerator`): opens its share of the
 * connections, sends at the rate it is told, and keeps per-step counts and
 * latencies of what its connections receive. Each message is `<step>|<send time>`.
 */
const OPEN_AT_ONCE = 64;
/** Tries per connection: a busy server may reset or time out a handshake. */
const CONNECT_TRIES = 3;

interface StepStats {
  received: number;
  histogram: LatencyHistogram;
  cpu: NodeJS.CpuUsage;
  started: number;
  /** Error replies (`{"error": kind}`) received while this step was the latest. */
  errors: Map<string, number>;
}

let clients: BenchClient[] = [];
let senders: BenchClient[] = [];
let lost = 0;
let protocol: ClientProtocol = 'chat';
const steps = new Map<number, StepStats>();
/** The step sending last: error replies carry no step, so they count towards it. */
let latestStep = 0;

function statsOf(step: number): StepStats {
  let stats = steps.get(step);
  if (!stats) {
    stats = {
      received: 0,
      histogram: new LatencyHistogram(),
      cpu: process.cpuUsage(),
      started: performance.now(),
      errors: new Map(),
    };
    steps.set(step, stats);
  }
  return stats;
}

function onFrame(frame: string): void {
  const { message, error } = BenchClient.read(frame, protocol);
  if (error !== undefined) {
    const errors = steps.get(latestStep)?.errors;
    errors?.set(error, (errors.get(error) ?? 0) + 1);
  }
  const bar = message?.indexOf('|') ?? -1;
  if (message === undefined || bar < 0) {
    return;
  }
  const stats = steps.get(Number(message.slice(0, bar)));
  if (stats) {
    stats.received++;
    stats.histogram.record(epochNow() - Number(message.slice(bar + 1)));
  }
}

async function open(url: string): Promise<BenchClient> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await BenchClient.connect(url, protocol, onFrame, () => lost++);
    } catch (error) {
      if (attempt >= CONNECT_TRIES) {
        throw error;
      }
      await sleep(250 * attempt);
    }
  }
}

async function connect(specs: ClientSpec[]): Promise<WorkerReply> {
  let failed = 0;
  let error: string | undefined;
  let next = 0;
  const opener = async (): Promise<void> => {
    while (next < specs.length) {
      const spec = specs[next++];
      try {
        const client = await open(spec.url);
        clients.push(client);
        if (spec.sender) {
          senders.push(client);
        }
      } catch (reason) {
        failed++;
        error ??= String(reason);
      }
    }
  };
  await Promise.all(Array.from({ length: OPEN_AT_ONCE }, opener));
  return { id: 0, failed, error, lost };
}

/**
 * This worker's senders send `ratePerSender` messages/s each for `durationMs`,
 * taking turns (so a low rate over many rooms still sends), on `schedule`.
 */
async function step(
  step: number,
  ratePerSender: number,
  durationMs: number,
  schedule: SendSchedule,
): Promise<WorkerReply> {
  statsOf(step);
  latestStep = step;
  const sent = await sendOnSchedule(
    schedule,
    ratePerSender * senders.length,
    durationMs,
    (index, stamp) =>
      senders[index % senders.length].send(`${step}|${stamp.toFixed(3)}`),
  );
  return { id: 0, sent };
}

function collect(step: number): WorkerReply {
  const stats = statsOf(step);
  const cpu = process.cpuUsage(stats.cpu);
  steps.delete(step);
  return {
    id: 0,
    received: stats.received,
    ...stats.histogram.toJSON(),
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: performance.now() - stats.started,
    errors: [...stats.errors],
    lost,
  };
}

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  switch (request.cmd) {
    case 'connect':
      protocol = request.protocol;
      return connect(request.clients);
    case 'step':
      return step(
        request.step,
        request.ratePerSender,
        request.durationMs,
        request.schedule,
      );
    case 'progress':
      return { id: 0, received: statsOf(request.step).received, lost };
    case 'collect':
      return collect(request.step);
    case 'close': {
      const closing = clients;
      clients = [];
      senders = [];
      await Promise.all(closing.map((client) => client.close()));
      lost = 0;
      return { id: 0 };
    }
  }
}

process.on('message', (request: WorkerRequest) => {
  void handle(request).then((reply) =>
    process.send?.({ ...reply, id: request.id }),
  );
});
process.on('disconnect', () => process.exit(0));
