import type { BenchContext } from './bench-context';
import type { BenchOptions } from './bench-options';
import { withFreshTarget } from './fresh-target';
import { settle } from './load/settle';
import type { ThroughputFigures } from './scenarios/scenario-result';
import {
  runThroughput,
  S1,
  S2,
  type ScenarioRampPlan,
} from './scenarios/throughput.scenario';
import type { TargetResult } from './target-run';
import { PAIRED, pairedOrder } from './targets/peers';
import type { Target } from './targets/target';

/** Longest wait for a freshly started target to go idle. */
const SETTLE_MAX_MS = 10_000;
/**
 * A repeated ramp starts at this share of the first ramp's held rate and
 * rises by `FINE_FACTOR` a step: the first ramp's coarse steps (×3, ×1.5)
 * only find the region.
 */
const FINE_START_SHARE = 0.6;
const FINE_FACTOR = 1.15;
/** Enough fine steps to reach 0.6 × 1.15¹⁵ ≈ 4.9× the first ramp's rate, should that one have been low. */
const FINE_MAX_STEPS = 16;

/** The ramps of one target in one scenario, in run order. */
type Ramps = Map<string, ThroughputFigures[]>;

/** Whether a target's saturation ratio is a goal: a `PAIRED` target or its peer. */
const isPaired = (target: Target): boolean =>
  PAIRED.has(target.name) || [...PAIRED.values()].includes(target.name);

/** The fine plan of a ramp after the first, which held `firstRate`. */
function finePlan(options: BenchOptions, firstRate: number): ScenarioRampPlan {
  return {
    ...options.ramp,
    startRate: Math.max(1, Math.round(firstRate * FINE_START_SHARE)),
    factor: FINE_FACTOR,
    fastFactor: FINE_FACTOR,
    maxSteps: FINE_MAX_STEPS,
    refinements: 1,
  };
}

/**
 * One more S1 and S2 ramp of `target`, on fresh processes and fresh load
 * workers, each from the region its first ramp found (`first`).
 */
async function rampAgain(
  target: Target,
  first: TargetResult,
  ramps: Ramps,
  context: BenchContext,
  options: BenchOptions,
): Promise<void> {
  await withFreshTarget(
    target,
    context,
    false,
    async ({ running, generator, sampler }) => {
      for (const scenario of [S1, S2]) {
        const key = scenario.id === 'S1' ? 's1' : 's2';
        const outcome = first[key];
        if (!outcome || !('figures' in outcome)) {
          continue; // its first ramp failed: nothing to repeat from
        }
        await settle(sampler, SETTLE_MAX_MS);
        context.log(`  ${target.name} ${scenario.title}`);
        try {
          const figures = await runThroughput(
            scenario,
            target,
            running,
            generator,
            sampler,
            finePlan(options, outcome.figures.rate),
            options.warmupMs,
            context.log,
          );
          ramps.get(`${target.name}\n${key}`)?.push(figures);
        } catch (error) {
          context.log(`    failed: ${String(error).split('\n')[0]}`);
        }
      }
    },
  );
}

/** A ramp's rank: its delivered messages/s, below every held one when not even its first step held. */
const rank = (figures: ThroughputFigures): number =>
  figures.held ? figures.deliveredPerS : Number.NEGATIVE_INFINITY;

/**
 * The figures of the median ramp by `rank` (of an even count, the lower
 * middle one), with every ramp's rate.
 */
function medianRamp(ramps: readonly ThroughputFigures[]): ThroughputFigures {
  const sorted = [...ramps].sort((a, b) => rank(a) - rank(b));
  return {
    ...sorted[Math.floor((sorted.length - 1) / 2)],
    ramps: ramps.map((figures) => figures.deliveredPerS),
  };
}

/**
 * Ramps S1 and S2 of the paired targets (`PAIRED`: this app's targets with a
 * saturation goal against a peer, and the peers) again until each has
 * `options.ramps`, interleaved as the fixed-load runs are (each target beside
 * its peer, the order reversed every other repetition), then reports each
 * one's median ramp: one ramp's rate moves by a step or more from run to
 * run on a shared 2-core machine. `results` holds the first ramps (from
 * `runSaturation`) and gets the medians; a failed repetition is logged and
 * left out.
 */
export async function repeatRamps(
  targets: readonly Target[],
  results: TargetResult[],
  context: BenchContext,
  options: BenchOptions,
): Promise<void> {
  const ramps: Ramps = new Map();
  for (const target of targets.filter(isPaired)) {
    const result = results.find(({ name }) => name === target.name);
    for (const key of ['s1', 's2'] as const) {
      const outcome = result?.[key];
      if (outcome && 'figures' in outcome) {
        ramps.set(`${target.name}\n${key}`, [outcome.figures]);
      }
    }
  }
  // Only what a first ramp held a figure for: a target that failed to start is not retried.
  const paired = targets.filter(
    ({ name }) => ramps.has(`${name}\ns1`) || ramps.has(`${name}\ns2`),
  );
  const total = (options.ramps - 1) * paired.length;
  const started = Date.now();
  let done = 0;
  for (let rep = 2; rep <= options.ramps; rep++) {
    for (const target of pairedOrder(paired, rep)) {
      const first = results.find(({ name }) => name === target.name);
      if (!first) {
        continue;
      }
      context.log(`ramp ${rep}/${options.ramps}: ${target.name}`);
      await rampAgain(target, first, ramps, context, options).catch(
        (error: unknown) =>
          context.log(`  failed: ${String(error).split('\n')[0]}`),
      );
      done++;
      const leftS = ((Date.now() - started) / done / 1000) * (total - done);
      context.log(
        `  (${done}/${total} repeated ramps, about ${Math.ceil(leftS / 60)} min left)`,
      );
    }
  }
  for (const result of results) {
    for (const key of ['s1', 's2'] as const) {
      const figures = ramps.get(`${result.name}\n${key}`);
      if (figures) {
        result[key] = { figures: medianRamp(figures) };
      }
    }
  }
}
