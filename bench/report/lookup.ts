import { median } from '../common/percentile';
import type {
  FixedLoadFigures,
  FixedLoadRun,
  IdleFigures,
  ThroughputFigures,
} from '../scenarios/scenario-result';
import type { TargetResult } from '../target-run';

/** S1 or S2 figures of the target called `name`, if it has them. */
export function throughputOf(
  results: readonly TargetResult[],
  name: string,
  scenario: 's1' | 's2',
): ThroughputFigures | undefined {
  const outcome = results.find((result) => result.name === name)?.[scenario];
  return outcome && 'figures' in outcome ? outcome.figures : undefined;
}

/** S3 figures of `name` at `perProcess` connections, if it has them. */
export function idleOf(
  results: readonly TargetResult[],
  name: string,
  perProcess: number,
): IdleFigures | undefined {
  const outcome = results.find((result) => result.name === name)?.s3;
  return outcome && 'figures' in outcome
    ? outcome.figures.find((figures) => figures.perProcess === perProcess)
    : undefined;
}

/** A run's server (+ Redis) CPU µs per delivery, for `pairedRatio`. */
export const cpuPerDelivery = (run: FixedLoadRun): number =>
  run.cpuUsPerDelivery;

/** `a / b` when both exist. */
export const ratio = (a?: number, b?: number): number =>
  a === undefined || b === undefined || b === 0 ? Number.NaN : a / b;

/** Fixed-load figures of `name` in one scenario, if it has them. */
export function fixedOf(
  results: readonly TargetResult[],
  name: string,
  key: 'fixedS1' | 'fixedS2',
): FixedLoadFigures | undefined {
  const outcome = results.find((result) => result.name === name)?.[key];
  return outcome && 'figures' in outcome ? outcome.figures : undefined;
}

/**
 * The median over the repetitions both have of `pick(a's run) / pick(b's
 * run)`: with the runs of a `PAIRED` target and its peer side by side, each
 * repetition's ratio is free of the machine's drift between repetitions.
 */
export function pairedRatio(
  a: FixedLoadFigures | undefined,
  b: FixedLoadFigures | undefined,
  pick: (run: FixedLoadRun) => number,
): number {
  if (!a || !b) {
    return Number.NaN;
  }
  const ratios = a.runs.flatMap((run) => {
    const peer = b.runs.find(({ rep }) => rep === run.rep);
    return peer ? [ratio(pick(run), pick(peer))] : [];
  });
  return median(ratios);
}
