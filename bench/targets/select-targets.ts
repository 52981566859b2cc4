import type { BenchOptions } from '../bench-options';
import { allTargets } from './all-targets';
import type { Target } from './target';
import { variantTarget } from './target-variants';

/**
 * The run's targets: every target whose name contains one of `--only`'s
 * words (all without `--only`), each variant of `--with` right after the
 * target it varies, so the two sit side by side in the tables.
 */
export function selectTargets(options: BenchOptions): Target[] {
  const chosen = allTargets(options.appEnv).filter(
    (target) =>
      !options.only || options.only.some((name) => target.name.includes(name)),
  );
  for (const spec of options.variants) {
    const variant = variantTarget(spec, options.appEnv);
    const base = variant.name.split('+')[0];
    const after = chosen.findLastIndex(
      (target) => target.name === base || target.name.startsWith(`${base}+`),
    );
    chosen.splice(after < 0 ? chosen.length : after + 1, 0, variant);
  }
  return chosen;
}
