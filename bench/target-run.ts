import { runIdle } from './scenarios/idle.scenario';
import type {
  FixedLoadFigures,
  IdleFigures,
  Outcome,
  ThroughputFigures,
} from './scenarios/scenario-result';
import { runThroughput, S1, S2 } from './scenarios/throughput.scenario';
import type { BenchContext } from './bench-context';
import type { BenchOptions } from './bench-options';
import { ServerSampler } from './load/server-sampler';
import { settle } from './load/settle';

/** Longest wait for a target to finish the previous scenario's disconnects. */
const SETTLE_MAX_MS = 30_000;
import type { RunningTarget, Target } from './targets/target';

/** Everything the bench learned about one target. */
export interface TargetResult {
  name: string;
  processes: number;
  /** Why it was skipped or stopped early. */
  note?: string;
  s1?: Outcome<ThroughputFigures>;
  s2?: Outcome<ThroughputFigures>;
  s3?: Outcome<IdleFigures[]>;
  fixedS1?: Outcome<FixedLoadFigures>;
  fixedS2?: Outcome<FixedLoadFigures>;
}

const failure = (error: unknown): { error: string } => ({
  error: error instanceof Error ? error.message.split('\n')[0] : String(error),
});

/** A started target and its sampler. */
interface Started {
  running: RunningTarget;
  sampler: ServerSampler;
}

async function start(target: Target, context: BenchContext): Promise<Started> {
  const started = Date.now();
  const running = await context.startTarget(target);
  context.log(
    `  started ${running.pids.length} process(es) in ${Date.now() - started} ms`,
  );
  return { running, sampler: new ServerSampler(running.pids) };
}

async function stop({ running, sampler }: Started): Promise<void> {
  sampler.stop();
  await running.stop();
}

/**
 * Starts a target, runs S3 (on fresh processes), S1 and S2 against it, and
 * stops it. With `restartAfterIdle`, S1 and S2 get fresh processes too, so
 * their peak RSS does not carry S3's heap.
 */
export async function runTarget(
  target: Target,
  context: BenchContext,
  options: BenchOptions,
): Promise<TargetResult> {
  const { generator, log } = context;
  const result: TargetResult = {
    name: target.name,
    processes: target.processes,
  };
  const started = Date.now();
  let current = await start(target, context);
  try {
    log('  S3 idle connections');
    result.s3 = await runIdle(
      target,
      current.running,
      generator,
      current.sampler,
      log,
    )
      .then((figures) => ({ figures }))
      .catch(failure);
    if (options.restartAfterIdle) {
      await stop(current);
      current = await start(target, context);
    }
    for (const scenario of [S1, S2]) {
      const waited = await settle(current.sampler, SETTLE_MAX_MS);
      log(
        `  ${scenario.title} (after ${(waited / 1000).toFixed(1)} s for the target to go idle)`,
      );
      const outcome = await runThroughput(
        scenario,
        target,
        current.running,
        generator,
        current.sampler,
        options.ramp,
        options.warmupMs,
        log,
      )
        .then((figures) => ({ figures }))
        .catch(failure);
      result[scenario.id === 'S1' ? 's1' : 's2'] = outcome;
      if ('error' in outcome) {
        log(`    failed: ${outcome.error}`);
      }
    }
  } finally {
    await stop(current);
  }
  log(`  done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return result;
}
