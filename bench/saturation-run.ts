import type { BenchOptions } from './bench-options';
import type { BenchContext } from './bench-context';
import { runTarget, type TargetResult } from './target-run';
import type { Target } from './targets/target';

/**
 * S3 and the S1/S2 ramps, one target after the other; a target that fails
 * gets a note and the run goes on. Fills `results` (same order as `targets`).
 */
export async function runSaturation(
  targets: readonly Target[],
  results: TargetResult[],
  context: BenchContext,
  options: BenchOptions,
): Promise<void> {
  for (const [index, target] of targets.entries()) {
    context.log(
      `[${index + 1}/${targets.length}] ${target.name} (${target.processes} process${target.processes > 1 ? 'es' : ''})`,
    );
    await context.reset();
    const result = await runTarget(target, context, options).catch(
      (error: unknown): TargetResult => {
        context.log(`  failed: ${String(error)}`);
        return {
          name: target.name,
          processes: target.processes,
          note: `failed: ${String(error).split('\n')[0]}`,
        };
      },
    );
    Object.assign(results[index], result);
  }
}
