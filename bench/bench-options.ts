import type { RampPlan } from './load/ramp';

/** `npm run bench` settings: `--quick` for a short run, `--only=a,b` to pick targets by name. */
export interface BenchOptions {
  quick: boolean;
  only?: string[];
  /** Load-generator worker processes. */
  workers: number;
  ramp: Omit<RampPlan, 'startRate' | 'senders' | 'fanOut'>;
  /** The whole run is stopped (and cleaned up) after this long. */
  deadlineMs: number;
  /** Fresh target processes for S1/S2 after S3 (costs a restart per target). */
  restartAfterIdle: boolean;
  /** Unmeasured warm-up step before each ramp, ms (JIT, pools). */
  warmupMs: number;
  /** Whether the README's Benchmarks section is rewritten. */
  updateReadme: boolean;
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const only = argv
    .find((arg) => arg.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  return {
    quick,
    only,
    workers: Number(process.env.BENCH_WORKERS ?? 2),
    ramp: quick
      ? {
          maxRate: 100_000,
          stepMs: 800,
          drainMs: 500,
          maxSteps: 8,
          fastFactor: 4,
          factor: 2,
          refinements: 1,
          comfortableShare: 0.4,
          retries: 1,
          stepsDown: 2,
        }
      : {
          maxRate: 100_000,
          stepMs: 3_000,
          drainMs: 1_500,
          maxSteps: 12,
          fastFactor: 3,
          factor: 1.5,
          refinements: 2,
          comfortableShare: 0.2,
          retries: 2,
          stepsDown: 3,
        },
    restartAfterIdle: !quick,
    warmupMs: quick ? 300 : 1_000,
    deadlineMs: (quick ? 7 : 45) * 60_000,
    updateReadme: argv.includes('--readme') || (!quick && !only),
  };
}
