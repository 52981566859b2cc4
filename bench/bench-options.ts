import { countOf, valueOf, valuesOf } from './common/args';
import { splitCpus, type CpuSplit } from './common/cpu-split';
import type { RampPlan } from './load/ramp';
import type { FixedLoadPlan } from './scenarios/fixed-load.scenario';
import { parseEnvAssignment } from './targets/target-variants';

/**
 * `npm run bench` settings, from its arguments:
 * `--quick` a short run; `--only=a,b` targets whose name contains a or b;
 * `--fixed-only` only the fixed-load runs (no S3, no ramp); `--no-fixed` no
 * fixed-load runs; `--reps=N` fixed-load repetitions; `--ramps=N` S1/S2 ramps
 * of each paired target (the median counts); `--env=KEY=VALUE`
 * (repeatable) extra environment for every app target; `--with=memory+nometrics,…`
 * extra app targets with a named variant or KEY=VALUE parts; `--pin`
 * servers and Redis on one half of the CPUs, the load generator on the
 * other; `--readme`.
 */
export interface BenchOptions {
  /** The arguments as given, for the report's title. */
  argv: readonly string[];
  quick: boolean;
  only?: string[];
  /** Whether S3 and the S1/S2 ramps (saturation) run. */
  saturation: boolean;
  /** Whether the fixed-load runs run. */
  fixed: boolean;
  fixedLoad: FixedLoadPlan;
  /** Extra environment for every app target (`--env=`). */
  appEnv: Record<string, string>;
  /** Variant app targets added to the run (`--with=`). */
  variants: string[];
  /** The servers' and the generator's CPUs with `--pin`; undefined without, or on one CPU. */
  cpuSplit?: CpuSplit;
  /** Load-generator worker processes (BENCH_WORKERS; default: one per generator CPU). */
  workers: number;
  ramp: Omit<RampPlan, 'startRate' | 'senders' | 'fanOut'>;
  /** The whole run is stopped (and cleaned up) after this long. */
  deadlineMs: number;
  /** Fresh target processes for S1/S2 after S3 (costs a restart per target). */
  restartAfterIdle: boolean;
  /** Ramps of S1 and S2 for each `PAIRED` target and peer; the median counts. */
  ramps: number;
  /** Unmeasured warm-up step before each ramp, ms (JIT, pools). */
  warmupMs: number;
  /** Every target, both modes, unpinned, no variant or extra environment: a run the README can quote. */
  complete: boolean;
  /** Whether the README's Benchmarks section is rewritten. */
  updateReadme: boolean;
}

/** A list argument (`--only=a,b`), undefined when absent. */
const listOf = (argv: readonly string[], name: string): string[] | undefined =>
  valueOf(argv, name)?.split(',').filter(Boolean);

/** The fixed-load durations: `--reps=N` repetitions (5 of 10 s; quick: 2 of 2 s). */
function fixedLoadPlan(quick: boolean, argv: readonly string[]): FixedLoadPlan {
  return quick
    ? {
        reps: countOf(argv, 'reps', 2, 'bench'),
        warmupMs: 500,
        measureMs: 2_000,
        drainMs: 1_000,
      }
    : {
        reps: countOf(argv, 'reps', 5, 'bench'),
        warmupMs: 2_000,
        measureMs: 10_000,
        drainMs: 2_000,
      };
}

/** The ramp's steps: short ones for --quick. */
function rampPlan(quick: boolean): BenchOptions['ramp'] {
  return quick
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
      };
}

/** Every argument `npm run bench` takes (a value after `=` for the last five). */
const KNOWN_ARGUMENTS = [
  '--quick',
  '--fixed-only',
  '--no-fixed',
  '--readme',
  '--pin',
  '--only',
  '--with',
  '--env',
  '--reps',
  '--ramps',
];

/** Reads `npm run bench`'s arguments; throws on one it does not know, so a typo cannot go unnoticed. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const unknown = argv.filter(
    (arg) => !KNOWN_ARGUMENTS.includes(arg.split('=')[0]),
  );
  if (unknown.length > 0) {
    throw new Error(
      `bench: unknown argument ${unknown.join(' ')} (known: ${KNOWN_ARGUMENTS.join(' ')})`,
    );
  }
  const quick = argv.includes('--quick');
  const only = listOf(argv, 'only');
  const variants = listOf(argv, 'with') ?? [];
  const appEnv = Object.fromEntries(
    valuesOf(argv, 'env').map(parseEnvAssignment),
  );
  const cpuSplit = argv.includes('--pin') ? splitCpus() : undefined;
  const saturation = !argv.includes('--fixed-only');
  const fixed = !argv.includes('--no-fixed');
  const complete =
    !only &&
    saturation &&
    fixed &&
    variants.length === 0 &&
    !argv.includes('--pin') &&
    Object.keys(appEnv).length === 0;
  return {
    argv,
    quick,
    only,
    saturation,
    fixed,
    fixedLoad: fixedLoadPlan(quick, argv),
    appEnv,
    variants,
    cpuSplit,
    workers: Number(process.env.BENCH_WORKERS ?? cpuSplit?.generatorCount ?? 2),
    ramp: rampPlan(quick),
    // `--ramps=N` (default: 3, or 1 for --quick).
    ramps: countOf(argv, 'ramps', quick ? 1 : 3, 'bench'),
    restartAfterIdle: !quick,
    warmupMs: quick ? 300 : 1_000,
    deadlineMs: (quick ? 20 : 90) * 60_000,
    complete,
    updateReadme: argv.includes('--readme') || (!quick && complete),
  };
}
