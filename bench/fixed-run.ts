import type { BenchContext } from './bench-context';
import type { CommandCost } from './common/redis-commands';
import { fmtErrors, fmtMs } from './common/format';
import { settle } from './load/settle';
import { withFreshTarget } from './fresh-target';
import {
  FIXED_S1,
  FIXED_S2,
  runFixedLoad,
  type FixedLoadPlan,
  type FixedLoadScenario,
} from './scenarios/fixed-load.scenario';
import { summarizeFixedLoad } from './scenarios/fixed-load-summary';
import type {
  FixedLoadFigures,
  FixedLoadRun,
  Outcome,
} from './scenarios/scenario-result';
import { pairedOrder } from './targets/peers';
import type { Target } from './targets/target';

/** The fixed-load scenarios, in run order. */
export const FIXED_SCENARIOS = [FIXED_S1, FIXED_S2] as const;
/** Longest wait for a freshly started target to go idle. */
const SETTLE_MAX_MS = 10_000;

/** A target's fixed-load outcome per scenario. */
export type FixedLoadResults = Partial<
  Record<FixedLoadScenario['key'], Outcome<FixedLoadFigures>>
>;

/** Runs gathered so far, per target and scenario, with failures. */
type Tally = Map<string, { runs: FixedLoadRun[]; errors: string[] }>;

/** The costliest Redis commands of a run: calls per send and µs per call. */
function fmtCommands(costs: CommandCost[]): string {
  return costs
    .slice(0, 3)
    .map(
      ({ command, perSend, usecPerCall }) =>
        `${command} ${perSend.toFixed(2)}/send × ${usecPerCall.toFixed(1)} µs`,
    )
    .join(', ');
}

function describeRun(run: FixedLoadRun): string {
  const errors = fmtErrors(run.errorReplies);
  const redis = run.withRedis
    ? ` incl. redis ${run.redisCpuS.toFixed(2)} s: ${fmtCommands(run.redisCommands)}`
    : '';
  return (
    `${run.cpuUsPerDelivery.toFixed(1)} µs/delivery (CPU ${run.serverCpuS.toFixed(2)} s${redis}), ` +
    `p50 ${fmtMs(run.p50)} p99 ${fmtMs(run.p99)}, ` +
    `received ${run.received}/${run.expected} (loss ${(run.loss * 100).toFixed(2)} %), ` +
    (errors ? `error replies ${errors}, ` : '') +
    `gen CPU ${(run.generatorCpu * 100).toFixed(0)} %`
  );
}

/**
 * One repetition of one scenario on fresh processes of `target`, and fresh
 * load workers: what the server pays per delivery depends on how its reads
 * are scheduled (each write wakes the client that reads it), so the readers
 * must not carry the heaps and state of every run before this one (after a
 * full run's ramps, raw ws's p99 at S1 was 4.8 ms, against 1.9–2.9 ms in a
 * run of fixed loads alone).
 */
async function runOnce(
  target: Target,
  scenario: FixedLoadScenario,
  context: BenchContext,
  plan: FixedLoadPlan,
  rep: number,
): Promise<FixedLoadRun> {
  return withFreshTarget(
    target,
    context,
    target.usesRedis,
    async ({ running, generator, sampler }) => {
      await settle(sampler, SETTLE_MAX_MS);
      const run = await runFixedLoad(
        scenario,
        target,
        running,
        generator,
        sampler,
        target.usesRedis ? context.redisCommands : undefined,
        plan,
      );
      return { ...run, rep };
    },
  );
}

/**
 * The fixed-load mode: every target through S1 and S2 at their fixed rates,
 * `plan.reps` times, interleaved (all targets' first repetition of S1, then
 * of S2, then all second ones, …, in `pairedOrder`) so that a noisy minute on a shared machine
 * spreads over every target instead of landing on one. Each run gets fresh
 * processes.
 */
export async function runFixedLoads(
  targets: readonly Target[],
  context: BenchContext,
  plan: FixedLoadPlan,
): Promise<Map<string, FixedLoadResults>> {
  const tally: Tally = new Map();
  const total = plan.reps * targets.length * FIXED_SCENARIOS.length;
  const started = Date.now();
  let done = 0;
  for (let rep = 1; rep <= plan.reps; rep++) {
    for (const scenario of FIXED_SCENARIOS) {
      for (const target of pairedOrder(targets, rep)) {
        const key = `${target.name}\n${scenario.key}`;
        const entry = tally.get(key) ?? { runs: [], errors: [] };
        tally.set(key, entry);
        const line = `  fixed rep ${rep}/${plan.reps} ${target.name} ${scenario.shape.id}`;
        try {
          const run = await runOnce(target, scenario, context, plan, rep);
          entry.runs.push(run);
          context.log(`${line}: ${describeRun(run)}`);
        } catch (error) {
          entry.errors.push(String(error).split('\n')[0]);
          context.log(`${line}: failed: ${entry.errors.at(-1)}`);
        }
        done++;
        const leftS = ((Date.now() - started) / done / 1000) * (total - done);
        context.log(
          `  (${done}/${total} fixed-load runs, about ${Math.ceil(leftS / 60)} min left)`,
        );
      }
    }
  }
  return collect(targets, tally);
}

/** Medians per target and scenario; an outcome is an error only when every repetition failed. */
function collect(
  targets: readonly Target[],
  tally: Tally,
): Map<string, FixedLoadResults> {
  const results = new Map<string, FixedLoadResults>();
  for (const target of targets) {
    const outcome: FixedLoadResults = {};
    for (const scenario of FIXED_SCENARIOS) {
      const entry = tally.get(`${target.name}\n${scenario.key}`);
      if (!entry) {
        continue;
      }
      outcome[scenario.key] =
        entry.runs.length === 0
          ? { error: entry.errors[0] ?? 'not run' }
          : {
              figures: summarizeFixedLoad(
                entry.runs,
                entry.errors.length,
                entry.errors[0],
              ),
            };
    }
    results.set(target.name, outcome);
  }
  return results;
}
