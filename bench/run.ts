import { Redis } from 'ioredis';
import { RedisServer } from '../test/helpers/redis-server';
import { parseBenchOptions } from './bench-options';
import { installCleanup, killAllChildren } from './common/children';
import { LoadGenerator } from './load/load-generator';
import { writeReports } from './report/write-reports';
import { allTargets } from './targets/all-targets';
import { runTarget, type TargetResult } from './target-run';

/**
 * `npm run bench`: this app (memory, redis, redis-pubsub), a raw `ws` server,
 * Socket.IO + Redis adapter and Django Channels under daphne, side by side on
 * loopback: S1 (50 rooms × 10), S2 (1 room × 500), S3 (idle connections).
 */
const options = parseBenchOptions(process.argv.slice(2));
const startedAt = Date.now();
const log = (line: string): void =>
  console.log(
    `[${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${line}`,
  );

async function main(): Promise<void> {
  const redis = await RedisServer.start();
  const admin = new Redis(redis.url, { protocol: 2 });
  const generator = LoadGenerator.start(options.workers);
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

  const results: TargetResult[] = [];
  const targets = allTargets().filter(
    (target) =>
      !options.only || options.only.some((name) => target.name.includes(name)),
  );
  log(
    `bench${options.quick ? ' --quick' : ''}: ${targets.length} targets, ${generator.size} load workers, redis ${redis.url}`,
  );
  try {
    for (const [index, target] of targets.entries()) {
      log(
        `[${index + 1}/${targets.length}] ${target.name} (${target.processes} process${target.processes > 1 ? 'es' : ''})`,
      );
      const unavailable = target.unavailable();
      if (unavailable) {
        log(`  skipped: ${unavailable}`);
        results.push({
          name: target.name,
          processes: target.processes,
          note: `skipped: ${unavailable}`,
        });
        continue;
      }
      await admin.flushall();
      results.push(
        await runTarget(target, redis.url, generator, options, log).catch(
          (error: unknown) => {
            log(`  failed: ${String(error)}`);
            return {
              name: target.name,
              processes: target.processes,
              note: `failed: ${String(error).split('\n')[0]}`,
            };
          },
        ),
      );
    }
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
