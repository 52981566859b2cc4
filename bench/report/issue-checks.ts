import { fmtKiB } from '../common/format';
import { S3_LEVELS } from '../scenarios/idle.scenario';
import type { TargetResult } from '../target-run';
import { ratioCheck, type Check } from './check';
import { deliveryCoreChecks } from './delivery-core-checks';
import { idleOf, ratio, throughputOf } from './lookup';

const DJANGO = ['django sync core', 'django async core', 'django async pubsub'];
const APPS_ON_REDIS = ['nest redis', 'nest redis-pubsub'];
const APPS = ['nest memory', ...APPS_ON_REDIS];
const SCENARIOS = ['s1', 's2'] as const;

function throughputChecks(results: readonly TargetResult[]): Check[] {
  const delivered = (name: string, s: 's1' | 's2'): number | undefined =>
    throughputOf(results, name, s)?.deliveredPerS;
  const checks: Check[] = [];
  for (const s of SCENARIOS) {
    const label = s.toUpperCase();
    checks.push(
      ratioCheck(
        'nest redis-pubsub ≥ socket.io redis',
        label,
        ratio(
          delivered('nest redis-pubsub', s),
          delivered('socket.io redis', s),
        ),
        1,
      ),
    );
    const djangos = DJANGO.map((name) => delivered(name, s)).filter(
      (v): v is number => v !== undefined,
    );
    const bestDjango = djangos.length > 0 ? Math.max(...djangos) : undefined;
    for (const app of APPS_ON_REDIS) {
      checks.push(
        ratioCheck(
          `${app} ≥ 5× best Django`,
          label,
          ratio(delivered(app, s), bestDjango),
          5,
        ),
      );
      checks.push(
        ratioCheck(
          `${app} ≥ 20× django sync core`,
          label,
          ratio(delivered(app, s), delivered('django sync core', s)),
          20,
        ),
      );
    }
    checks.push(
      ratioCheck(
        'nest memory ≥ 90 % of raw ws',
        label,
        ratio(delivered('nest memory', s), delivered('raw ws', s)),
        0.9,
      ),
    );
  }
  return checks;
}

function idleChecks(results: readonly TargetResult[]): Check[] {
  const checks: Check[] = [];
  for (const level of S3_LEVELS) {
    const raw = idleOf(results, 'raw ws', level)?.bytesPerConnection;
    for (const app of APPS) {
      const ours = idleOf(results, app, level)?.bytesPerConnection;
      if (ours === undefined || raw === undefined) {
        continue;
      }
      const over = ours - raw;
      const met = over <= 2048 && ours <= 16384;
      checks.push({
        goal: `${app} ≤ raw ws + 2 KiB and ≤ 16 KiB per connection`,
        scenario: `S3 @ ${level}`,
        measured: `${fmtKiB(ours)} (raw ws ${fmtKiB(raw)}, +${fmtKiB(over)})`,
        met,
        gap: met
          ? undefined
          : [
              over > 2048 ? `${fmtKiB(over - 2048)} over raw ws + 2 KiB` : '',
              ours > 16384 ? `${fmtKiB(ours - 16384)} over 16 KiB` : '',
            ]
              .filter(Boolean)
              .join(', '),
      });
    }
  }
  return checks;
}

/**
 * The project's benchmark goals (issue 6's, then issue 12's) as a Markdown
 * table: measured, met or missed and by how much. Goals whose figures this
 * run did not measure (targets or phases left out) are counted, not listed.
 */
export function issueChecks(results: readonly TargetResult[]): string[] {
  const checks = [
    ...throughputChecks(results),
    ...idleChecks(results),
    ...deliveryCoreChecks(results),
  ];
  const measured = checks.filter((check) => check.met !== undefined);
  const missing = checks.length - measured.length;
  return [
    '| goal | scenario | measured | met |',
    '| --- | --- | ---: | --- |',
    ...measured.map(
      (check) =>
        `| ${check.goal} | ${check.scenario} | ${check.measured} | ${check.met ? 'yes' : `**no**: ${check.gap}`} |`,
    ),
    ...(missing > 0 ? ['', `Not measured in this run: ${missing} goals.`] : []),
  ];
}
