import {
  commandCosts,
  type CommandCost,
  type CommandStats,
} from '../common/redis-commands';
import { sumCounts, type Counts } from '../common/counts';
import { lossOf } from '../load/ramp';
import type {
  LoadGenerator,
  StepPlan,
  StepResult,
} from '../load/load-generator';
import type { ServerSampler } from '../load/server-sampler';
import type { RunningTarget, Target } from '../targets/target';
import type { FixedLoadRun } from './scenario-result';
import {
  clientsOf,
  S1,
  S2,
  type ThroughputScenario,
} from './throughput.scenario';

/** S1 or S2's rooms at one fixed delivery rate: what a server costs at a load it really runs at. */
export interface FixedLoadScenario {
  key: 'fixedS1' | 'fixedS2';
  title: string;
  shape: ThroughputScenario;
  /** Deliveries per second to hold (messages/s × clients per room). */
  deliveriesPerS: number;
}

export const FIXED_S1: FixedLoadScenario = {
  key: 'fixedS1',
  title: 'S1 fixed load: 50 rooms × 10 clients, 10,000 deliveries/s',
  shape: S1,
  deliveriesPerS: 10_000,
};

export const FIXED_S2: FixedLoadScenario = {
  key: 'fixedS2',
  title: 'S2 fixed load: 1 room × 500 clients, 20,000 deliveries/s',
  shape: S2,
  deliveriesPerS: 20_000,
};

/** Durations of one fixed-load run, ms. */
export interface FixedLoadPlan {
  /** Repetitions per target, interleaved across targets. */
  reps: number;
  /** Unmeasured sends at the same rate first (JIT, pools, Redis connections). */
  warmupMs: number;
  /** The measured window. */
  measureMs: number;
  /** Longest wait for the last deliveries after the window; later ones count as lost. */
  drainMs: number;
}

/** CPU ms the sampled processes used between two snapshots, each. */
const cpuDelta = (before: number[], after: number[]): number[] =>
  after.map((ms, index) => ms - before[index]);

/** A measured step's figures; `usedMs` is each sampled process's CPU, redis-server's last when `withRedis`. */
function figuresOf(
  result: StepResult,
  usedMs: number[],
  withRedis: boolean,
  warmupErrors: Counts,
  redisCommands: CommandCost[],
): Omit<FixedLoadRun, 'rep'> {
  const serverCpuS = usedMs.reduce((sum, ms) => sum + ms, 0) / 1000;
  return {
    sent: result.sent,
    expected: result.expected,
    received: result.received,
    loss: lossOf(result),
    p50: result.latency.quantile(0.5),
    p99: result.latency.quantile(0.99),
    max: result.latency.max,
    serverCpuS,
    withRedis,
    redisCpuS: withRedis ? usedMs[usedMs.length - 1] / 1000 : 0,
    redisCommands,
    cpuUsPerDelivery:
      result.received === 0 ? Number.NaN : (serverCpuS * 1e6) / result.received,
    generatorCpu: result.generatorCpu,
    lostConnections: result.lost,
    errorReplies: sumCounts([
      ...Object.entries(warmupErrors),
      ...Object.entries(result.errors),
    ]),
  };
}

/**
 * One repetition: connects the scenario's clients, warms up, then sends at the
 * fixed rate for the measured window and reads the deliveries, their latency
 * from the scheduled send times, and the CPU time of the sampled processes
 * (the target's, then redis-server's when `withRedis`) over the window.
 */
export async function runFixedLoad(
  scenario: FixedLoadScenario,
  target: Target,
  running: RunningTarget,
  generator: LoadGenerator,
  sampler: ServerSampler,
  /** Reads Redis's command counters, for targets on Redis. */
  redisCommands: (() => Promise<CommandStats>) | undefined,
  plan: FixedLoadPlan,
): Promise<Omit<FixedLoadRun, 'rep'>> {
  const { shape } = scenario;
  const connected = await generator.connect(
    target.protocol,
    clientsOf(shape, target, running),
  );
  try {
    if (connected.failed > 0) {
      throw new Error(
        `${connected.failed} connections failed: ${connected.error}`,
      );
    }
    const step: StepPlan = {
      rate: scenario.deliveriesPerS / shape.clientsPerRoom,
      senders: shape.rooms,
      fanOut: shape.clientsPerRoom,
      durationMs: plan.warmupMs,
      drainMs: plan.drainMs,
      schedule: 'fixed',
    };
    const warmup = await generator.step(0, step);
    const before = await sampler.snapshot();
    const commandsBefore = await redisCommands?.();
    const result = await generator.step(1, {
      ...step,
      durationMs: plan.measureMs,
    });
    const after = await sampler.snapshot();
    const commandsAfter = await redisCommands?.();
    return figuresOf(
      result,
      cpuDelta(before.cpuMs, after.cpuMs),
      redisCommands !== undefined,
      warmup.errors,
      commandsBefore && commandsAfter
        ? commandCosts(commandsBefore, commandsAfter, result.sent)
        : [],
    );
  } finally {
    await generator.closeAll();
  }
}
