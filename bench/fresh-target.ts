import type { BenchContext } from './bench-context';
import type { LoadGenerator } from './load/load-generator';
import { ServerSampler } from './load/server-sampler';
import type { RunningTarget, Target } from './targets/target';

/** A freshly started target, its own load workers and a sampler of its processes. */
export interface FreshTarget {
  running: RunningTarget;
  generator: LoadGenerator;
  sampler: ServerSampler;
}

/**
 * Runs `use` on fresh processes of `target` (Redis flushed first) and fresh
 * load workers, then stops both whatever `use` does: what a server pays per
 * delivery depends on how its readers are scheduled, so no run inherits the
 * workers of the runs before it. `withRedis`: the sampler counts
 * redis-server's CPU too.
 */
export async function withFreshTarget<T>(
  target: Target,
  context: BenchContext,
  withRedis: boolean,
  use: (fresh: FreshTarget) => Promise<T>,
): Promise<T> {
  await context.reset();
  const running = await context.startTarget(target);
  const generator = context.generator.restarted();
  const sampler = new ServerSampler(
    withRedis ? [...running.pids, context.redisPid] : running.pids,
  );
  try {
    return await use({ running, generator, sampler });
  } finally {
    sampler.stop();
    await Promise.all([running.stop(), generator.stop()]);
  }
}
