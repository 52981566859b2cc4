import { clientUrl } from '../load/client-url';
import type { LoadGenerator } from '../load/load-generator';
import { deliveredPerS, lossOf, ramp, type RampPlan } from '../load/ramp';
import type { ServerSampler } from '../load/server-sampler';
import type { ClientSpec } from '../load/worker-protocol';
import type { RunningTarget, Target } from '../targets/target';
import type { ThroughputFigures } from './scenario-result';

/** S1 and S2: rooms of clients, one sender per room, the rate ramped. */
export interface ThroughputScenario {
  id: 'S1' | 'S2';
  title: string;
  rooms: number;
  clientsPerRoom: number;
  /** First rate of the ramp, messages/s in all. */
  startRate: number;
}

export const S1: ThroughputScenario = {
  id: 'S1',
  title: 'S1: 50 rooms × 10 clients, 1 sender per room',
  rooms: 50,
  clientsPerRoom: 10,
  startRate: 20,
};

export const S2: ThroughputScenario = {
  id: 'S2',
  title: 'S2: 1 room × 500 clients, 1 sender',
  rooms: 1,
  clientsPerRoom: 500,
  startRate: 2,
};

/** The connections: clients of each room spread over the target's processes. */
export function clientsOf(
  scenario: ThroughputScenario,
  target: Target,
  running: RunningTarget,
): ClientSpec[] {
  const specs: ClientSpec[] = [];
  for (let room = 0; room < scenario.rooms; room++) {
    for (let client = 0; client < scenario.clientsPerRoom; client++) {
      const port = running.ports[(room + client) % running.ports.length];
      const name = `${scenario.id.toLowerCase()}r${room}`;
      specs.push({
        url: clientUrl(target.protocol, port, name),
        sender: client === 0,
      });
    }
  }
  return specs;
}

/** A ramp's plan as a run gives it: the scenario's shape sets the senders, and its start rate unless the plan has one. */
export type ScenarioRampPlan = Omit<
  RampPlan,
  'startRate' | 'senders' | 'fanOut'
> & { startRate?: number };

/** Runs one throughput scenario against a started target. */
export async function runThroughput(
  scenario: ThroughputScenario,
  target: Target,
  running: RunningTarget,
  generator: LoadGenerator,
  sampler: ServerSampler,
  plan: ScenarioRampPlan,
  warmupMs: number,
  log: (line: string) => void,
): Promise<ThroughputFigures> {
  const connected = await generator.connect(
    target.protocol,
    clientsOf(scenario, target, running),
  );
  try {
    if (connected.failed > 0) {
      throw new Error(
        `${connected.failed} connections failed: ${connected.error}`,
      );
    }
    sampler.resetPeaks();
    const full: RampPlan = {
      startRate: scenario.startRate,
      ...plan,
      senders: scenario.rooms,
      fanOut: scenario.clientsPerRoom,
    };
    // Warm-up (JIT, pools) at the ramp's first rate, not counted.
    await generator.step(0, {
      rate: full.startRate,
      senders: full.senders,
      fanOut: full.fanOut,
      durationMs: warmupMs,
      drainMs: warmupMs,
    });
    const { best, held } = await ramp(generator, sampler, full, log, 1);
    return {
      rate: best.rate,
      deliveredPerS: deliveredPerS(best),
      p50: best.latency.quantile(0.5),
      p95: best.latency.quantile(0.95),
      p99: best.latency.quantile(0.99),
      max: best.latency.max,
      loss: lossOf(best),
      serverCpuS: best.serverCpuS,
      cpuUsPerDelivery:
        best.received === 0
          ? Number.NaN
          : (best.serverCpuS * 1e6) / best.received,
      peakRss: sampler.peakRss(),
      generatorCpu: best.generatorCpu,
      generatorBound: best.generatorBound,
      held,
      ramps: [deliveredPerS(best)],
    };
  } finally {
    await generator.closeAll();
  }
}
