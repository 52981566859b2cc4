import { cpus } from 'node:os';
import { Redis } from 'ioredis';
import { RedisServer } from '../test/helpers/redis-server';
import type { BenchContext } from './bench-context';
import { parseBenchOptions } from './bench-options';
import { installCleanup, killAllChildren } from './common/children';
import { describeSplit, pinProcess } from './common/cpu-split';
import { redisPid } from './common/redis-pid';
import { commandStats } from './common/redis-commands';
import { runFixedLoads } from './fixed-run';
import { LoadGenerator } from './load/load-generator';
import { writeReports } from './report/write-reports';
import { runSaturation } from './saturation-run';
import { repeatRamps } from './saturation-repeats';
import type { TargetResult } from './target-run';
import { selectTargets } from './targets/select-targets';
import type { RunningTarget, Target } from './targets/target';

/**
 * `npm run bench`: this app (memory, redis, redis-pubsub), a raw `ws` server,
 * Socket.IO + Redis adapter and Django Channels under daphne, side by side on
 * loopback: S3 (idle connections), S1 (50 rooms × 10) and S2 (1 room × 500)
 * ramped to saturation (the paired targets' ramps repeated, interleaved),
 * then S1 and S2 at fixed rates, interleaved.
 */
const options = parseBenchOptions(process.argv.slice(2));
const startedAt = Date.now();
const log = (line: string): void =>
  console.log(
    `[${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${line}`,
  );

/** Runs every phase the options ask for over the targets that can run here. */
async function measure(
  targets: readonly Target[],
  context: BenchContext,
): Promise<TargetResult[]> {
  const results: TargetResult[] = targets.map((target) => {
    const unavailable = target.unavailable();
    if (unavailable) {
      log(`${target.name}: skipped: ${unavailable}`);
    }
    return {
      name: target.name,
      processes: target.processes,
      note: unavailable && `skipped: ${unavailable}`,
    };
  });
  const runnable = targets.filter((_, index) => !results[index].note);
  const runnableResults = results.filter((result) => !result.note);
  if (options.saturation) {
    await runSaturation(runnable, runnableResults, context, options);
    await repeatRamps(runnable, runnableResults, context, options);
  }
  if (options.fixed) {
    log(
      `fixed load: ${options.fixedLoad.reps} interleaved repetitions × ${runnable.length} targets × 2 scenarios`,
    );
    const fixed = await runFixedLoads(runnable, context, options.fixedLoad);
    for (const result of runnableResults) {
      Object.assign(result, fixed.get(result.name));
    }
  }
  return results;
}

async function main(): Promise<void> {
  const split = options.cpuSplit;
  // This process and the load workers it forks (they inherit it) on the generator's CPUs.
  if (split) {
    pinProcess(process.pid, split.generator);
  }
  const redis = await RedisServer.start();
  const admin = new Redis(redis.url, { protocol: 2 });
  const generator = LoadGenerator.start(
    options.workers,
    split?.generatorCount ?? cpus().length,
  );
  const cleanup = async (): Promise<void> => {
    killAllChildren();
    admin.disconnect();
    await redis.dispose();
  };
  installCleanup(cleanup);
  const deadline = setTimeout(() => {
    console.error(
      `bench: over its ${options.deadlineMs / 60_000} min limit, stopping`,
    );
    void cleanup().finally(() => process.exit(2));
  }, options.deadlineMs);
  deadline.unref();

  const targets = selectTargets(options);
  log(
    `bench${options.quick ? ' --quick' : ''}: ${targets.map((t) => t.name).join(', ')}; ` +
      `${generator.size} load workers, redis ${redis.url}; ${describeSplit(split)}`,
  );
  const pid = await redisPid(admin);
  // The servers (pinned once listening) and Redis on the targets' CPUs.
  const pinToTargets = (pids: readonly number[]): void => {
    if (split) {
      pids.forEach((each) => pinProcess(each, split.targets));
    }
  };
  pinToTargets([pid]);
  const context: BenchContext = {
    redisUrl: redis.url,
    redisPid: pid,
    startTarget: async (target): Promise<RunningTarget> => {
      const running = await target.start(redis.url);
      pinToTargets(running.pids);
      return running;
    },
    redisCommands: () => commandStats(admin),
    generator,
    reset: async () => void (await admin.flushall()),
    log,
  };
  let results: TargetResult[];
  try {
    results = await measure(targets, context);
    await generator.closeAll().catch(() => undefined);
  } finally {
    await generator.stop();
    await cleanup();
  }
  const elapsedS = (Date.now() - startedAt) / 1000;
  const written = await writeReports(results, options, elapsedS);
  console.log(`\n${written.markdown}\n`);
  log(`written: ${written.files.join(', ')}`);
  clearTimeout(deadline);
  process.exit(0);
}

void main();
