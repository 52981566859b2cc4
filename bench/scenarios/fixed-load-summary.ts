import { sumCounts } from '../common/counts';
import { median } from '../common/percentile';
import type { FixedLoadFigures, FixedLoadRun } from './scenario-result';

/**
 * A target's fixed-load figures: the median of each measure over its
 * repetitions (each measure on its own, so one noisy run moves none of them).
 */
export function summarizeFixedLoad(
  runs: readonly FixedLoadRun[],
  failed: number,
  firstError?: string,
): FixedLoadFigures {
  const of = (pick: (run: FixedLoadRun) => number): number =>
    median(runs.map(pick));
  return {
    runs: [...runs],
    failed,
    firstError,
    cpuUsPerDelivery: of((run) => run.cpuUsPerDelivery),
    p50: of((run) => run.p50),
    p99: of((run) => run.p99),
    loss: of((run) => run.loss),
    expected: runs.reduce((sum, run) => sum + run.expected, 0),
    received: runs.reduce((sum, run) => sum + run.received, 0),
    generatorCpu: Math.max(0, ...runs.map((run) => run.generatorCpu)),
    errorReplies: sumCounts(
      runs.flatMap((run) => Object.entries(run.errorReplies)),
    ),
  };
}
