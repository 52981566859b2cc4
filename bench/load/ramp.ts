import { fmtErrors, fmtMs, fmtRate } from '../common/format';
import {
  SATURATED_CPU,
  type LoadGenerator,
  type StepResult,
} from './load-generator';
import type { ServerSampler } from './server-sampler';
import { settle } from './settle';

/** The bar a step must clear to count as held. */
export const P99_LIMIT_MS = 100;

/** How a scenario ramps its send rate (messages/s, all senders together). */
export interface RampPlan {
  startRate: number;
  maxRate: number;
  senders: number;
  fanOut: number;
  stepMs: number;
  drainMs: number;
  maxSteps: number;
  /** Rate factor after a comfortable step (p99 under a fifth of the limit). */
  fastFactor: number;
  factor: number;
  /** Bisections between the last held rate and the first missed one. */
  refinements: number;
  /** A step whose p99 is under this share of the limit lets the rate grow by `fastFactor`. */
  comfortableShare: number;
  /** Steps down (by `fastFactor`) when even the first rate is missed. */
  stepsDown: number;
  /** A missed step is run again this many times before the ramp stops (a noisy machine). */
  retries: number;
}

/** A step's figures plus the servers' CPU seconds during it. */
export interface MeasuredStep extends StepResult {
  serverCpuS: number;
  held: boolean;
  generatorBound: boolean;
}

export const lossOf = (step: StepResult): number =>
  step.expected === 0 ? 0 : Math.max(0, 1 - step.received / step.expected);

/**
 * Deliveries per second at the step's nominal rate: rate × deliveries per
 * message sent (the step sends a whole number of messages, so this is steadier
 * than counting over the step's wall time).
 */
export const deliveredPerS = (step: StepResult): number =>
  step.sent === 0 ? 0 : (step.rate * step.received) / step.sent;

export function describeStep(step: MeasuredStep): string {
  const errors = fmtErrors(step.errors);
  return (
    `${fmtRate(step.rate)} msg/s sent → ${fmtRate(deliveredPerS(step))} delivered/s, ` +
    `p50 ${fmtMs(step.latency.quantile(0.5))} p99 ${fmtMs(step.latency.quantile(0.99))}, ` +
    `loss ${(lossOf(step) * 100).toFixed(2)} %, gen CPU ${(step.generatorCpu * 100).toFixed(0)} %` +
    `${step.lost > 0 ? `, ${step.lost} connections lost` : ''}` +
    `${errors ? `, error replies ${errors}` : ''}` +
    `${step.held ? ' ✓' : ' ✗'}${step.generatorBound ? ' (generator-bound)' : ''}`
  );
}

/**
 * Raises the rate step by step while the target holds it (no loss, p99 under
 * 100 ms): the last held step is the result, or the first step when none is.
 */
export async function ramp(
  generator: LoadGenerator,
  sampler: ServerSampler,
  plan: RampPlan,
  log: (line: string) => void,
  firstStep: number,
): Promise<{ best: MeasuredStep; held: boolean }> {
  let stepNo = firstStep;
  const run = async (rate: number): Promise<MeasuredStep> => {
    const before = await sampler.snapshot();
    const result = await generator.step(stepNo++, {
      rate,
      senders: plan.senders,
      fanOut: plan.fanOut,
      durationMs: plan.stepMs,
      drainMs: plan.drainMs,
    });
    const after = await sampler.snapshot();
    const serverCpuS =
      after.cpuMs.reduce((sum, ms, i) => sum + ms - before.cpuMs[i], 0) / 1000;
    const measured: MeasuredStep = {
      ...result,
      serverCpuS,
      held:
        result.sent > 0 &&
        lossOf(result) === 0 &&
        result.lost === 0 &&
        result.latency.quantile(0.99) < P99_LIMIT_MS,
      generatorBound: result.generatorCpu >= SATURATED_CPU,
    };
    log(`    ${describeStep(measured)}`);
    if (!measured.held) {
      await settle(sampler, 15_000); // let the servers drain a backlog first
    }
    return measured;
  };
  let first: MeasuredStep | undefined;
  let best: MeasuredStep | undefined;
  let missed: number | undefined;
  let rate = plan.startRate;
  let retries = plan.retries;
  for (let i = 0; i < plan.maxSteps && rate <= plan.maxRate; i++) {
    let step = await run(rate);
    while (!step.held && retries > 0) {
      retries--;
      log('    (again, to tell a miss from noise)');
      step = await run(rate);
    }
    first ??= step;
    if (!step.held) {
      missed = rate;
      break;
    }
    best = step;
    const comfortable =
      step.latency.quantile(0.99) < P99_LIMIT_MS * plan.comfortableShare &&
      !step.generatorBound;
    rate = Math.round(rate * (comfortable ? plan.fastFactor : plan.factor));
  }
  // Nothing held: step down (a slow target) before giving up.
  for (let i = 0; !best && i < plan.stepsDown; i++) {
    rate = Math.max(1, Math.round((missed ?? rate) / plan.fastFactor));
    const step = await run(rate);
    if (step.held) {
      best = step;
    } else {
      missed = rate;
    }
  }
  for (let i = 0; best && missed !== undefined && i < plan.refinements; i++) {
    const middle = Math.round(Math.sqrt(best.rate * missed));
    if (middle <= best.rate || middle >= missed) {
      break;
    }
    const step = await run(middle);
    if (step.held) {
      best = step;
    } else {
      missed = middle;
    }
  }
  return best ? { best, held: true } : { best: first!, held: false };
}
